# generative.py -- Grace Hopper
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar, eps):
    sigma = torch.exp(logvar / 2)
    return mu + sigma * eps


def kl_divergence(mu, logvar):
    # sum over the latent dimensions, then average over the batch
    per_dim = 1 + logvar - mu * mu - torch.exp(logvar)
    per_example = -0.5 * per_dim.sum(dim=-1)
    return per_example.sum() / per_example.shape[0]


def sample_z(mu, logvar, seed):
    generator = torch.Generator()
    generator.manual_seed(seed)
    eps = torch.randn(1, generator=generator)
    z = reparameterize(torch.tensor([float(mu)]), torch.tensor([float(logvar)]), eps)
    return z.item()


def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be at least 1")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    alphas = 1.0 - betas
    alpha_bar = torch.cumprod(alphas, dim=0)
    T = len(betas)
    if isinstance(t, int):
        if t < 0 or t >= T:
            raise ValueError("step out of range")
        a = alpha_bar[t]
    else:
        if (t < 0).any() or (t >= T).any():
            raise ValueError("step out of range")
        a = alpha_bar[t]
        shape = [x0.shape[0]] + [1] * (x0.dim() - 1)
        a = a.reshape(shape)
    return torch.sqrt(a) * x0 + torch.sqrt(1.0 - a) * noise


def train_autoencoder(data, latent_dim, seed=0):
    n, d = data.shape
    if latent_dim < 1 or latent_dim > d:
        raise ValueError("latent_dim must be in 1..d")
    torch.manual_seed(seed)
    encoder = nn.Sequential(nn.Linear(d, latent_dim))
    decoder = nn.Linear(latent_dim, d)
    params = list(encoder.parameters()) + list(decoder.parameters())
    optimizer = torch.optim.Adam(params, lr=0.05)
    for epoch in range(500):
        optimizer.zero_grad()
        reconstruction = decoder(encoder(data))
        loss = ((reconstruction - data) ** 2).mean()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        codes = encoder(data)
        final = ((decoder(codes) - data) ** 2).mean().item()
    return {
        "codes": codes,
        "decoder_weight": decoder.weight.detach().clone(),
        "decoder_bias": decoder.bias.detach().clone(),
        "mse": final,
    }
