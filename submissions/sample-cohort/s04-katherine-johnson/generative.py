"""Katherine Johnson -- generative.py"""
import torch
from torch import nn
from torch.nn import functional as F


def reparameterize(mu, logvar, eps):
    return torch.addcmul(mu, torch.exp(0.5 * logvar), eps)


def kl_divergence(mu, logvar):
    return (-0.5 * (1 + logvar - mu.square() - logvar.exp()).sum(-1)).mean()


def sample_z(mu, logvar, seed):
    eps = torch.randn(1, generator=torch.Generator().manual_seed(seed))
    return reparameterize(torch.full((1,), float(mu)), torch.full((1,), float(logvar)), eps).item()


def discriminator_loss(real_logits, fake_logits):
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits):
    return F.softplus(-fake_logits).mean()


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T)


def q_sample(x0, t, noise, betas):
    abar = torch.cumprod(1 - betas, dim=0)
    idx = torch.as_tensor(t, dtype=torch.long)
    if idx.lt(0).any() or idx.ge(betas.numel()).any():
        raise ValueError("t must be in [0, T-1]")
    a = abar[idx].reshape(-1, *([1] * (x0.dim() - 1))) if idx.dim() else abar[idx]
    return a.sqrt() * x0 + (1 - a).sqrt() * noise


def train_autoencoder(data, latent_dim, seed=0):
    d = data.shape[1]
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim out of range")
    torch.manual_seed(seed)
    encoder = nn.Sequential(nn.Linear(d, 16), nn.Tanh(), nn.Linear(16, latent_dim))
    decoder = nn.Linear(latent_dim, d)
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=1e-2)
    for _ in range(1500):
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        codes = encoder(data)
        mse = F.mse_loss(decoder(codes), data).item()
    return {"codes": codes, "decoder_weight": decoder.weight.detach(), "decoder_bias": decoder.bias.detach(), "mse": mse}
