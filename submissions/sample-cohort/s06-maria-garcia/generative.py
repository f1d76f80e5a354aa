"""Maria Garcia - generative models"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def reparameterize(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    return torch.mean(-0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar), dim=1))


def sample_z(mu, logvar, seed):
    eps = torch.randn(1, generator=torch.Generator().manual_seed(seed))
    return float(reparameterize(torch.tensor([mu]), torch.tensor([logvar]), eps)[0])


def discriminator_loss(real_logits, fake_logits):
    return (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))


def generator_loss(fake_logits):
    # the generator wants to maximise the discriminator's loss on fakes
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    alpha_bar = torch.cumprod(1 - betas, dim=0)
    t = torch.as_tensor(t, dtype=torch.long)
    if (t < 0).any() or (t >= len(betas)).any():
        raise ValueError("t out of range")
    a = alpha_bar[t]
    if a.dim() == 1:
        a = a.reshape(-1, *[1] * (x0.dim() - 1))
    return torch.sqrt(a) * x0 + torch.sqrt(1 - a) * noise


def train_autoencoder(data, latent_dim, seed=0):
    n, d = data.shape
    if latent_dim < 1 or latent_dim > d:
        raise ValueError("bad latent_dim")
    torch.manual_seed(seed)
    enc = nn.Linear(d, latent_dim)
    dec = nn.Linear(latent_dim, d)
    opt = torch.optim.SGD(list(enc.parameters()) + list(dec.parameters()), lr=0.05)
    for i in range(300):
        loss = F.mse_loss(dec(enc(data)), data)
        loss.backward()
        opt.step()
    with torch.no_grad():
        codes = enc(data)
        mse = F.mse_loss(dec(codes), data).item()
    return {"codes": codes, "decoder_weight": dec.weight.detach(), "decoder_bias": dec.bias.detach(), "mse": mse}
