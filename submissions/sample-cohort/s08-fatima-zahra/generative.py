# Fatima Zahra -- generative.py
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    kl = 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    return kl.mean()


def sample_z(mu, logvar, seed):
    gen = torch.Generator().manual_seed(seed)
    eps = torch.randn(1, generator=gen)
    return reparameterize(torch.tensor([float(mu)]), torch.tensor([float(logvar)]), eps).item()


def discriminator_loss(real_logits, fake_logits):
    d_real = torch.sigmoid(real_logits)
    d_fake = torch.sigmoid(fake_logits)
    return (F.binary_cross_entropy_with_logits(d_real, torch.ones_like(d_real))
            + F.binary_cross_entropy_with_logits(d_fake, torch.zeros_like(d_fake)))


def generator_loss(fake_logits):
    d_fake = torch.sigmoid(fake_logits)
    return F.binary_cross_entropy_with_logits(d_fake, torch.ones_like(d_fake))


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    alpha_bar = 1 - torch.cumprod(betas, dim=0)
    t = torch.as_tensor(t, dtype=torch.long)
    if (t < 0).any() or (t >= betas.shape[0]).any():
        raise ValueError("t out of range")
    a = alpha_bar[t]
    if a.dim() == 1:
        a = a.view(-1, *([1] * (x0.dim() - 1)))
    return torch.sqrt(a) * x0 + torch.sqrt(1 - a) * noise


def train_autoencoder(data, latent_dim, seed=0):
    n, d = data.shape
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim must be in [1, d]")
    torch.manual_seed(seed)
    encoder = nn.Linear(d, latent_dim)
    decoder = nn.Linear(latent_dim, d)
    optimizer = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=0.05)
    loss_fn = nn.MSELoss()
    for step in range(400):
        optimizer.zero_grad()
        loss = loss_fn(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    codes = encoder(data).detach()
    mse = loss_fn(decoder(codes), data).item()
    return {"codes": codes, "decoder_weight": decoder.weight.detach(), "decoder_bias": decoder.bias.detach(), "mse": mse}
