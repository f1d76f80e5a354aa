"""VAE, GAN, diffusion and autoencoder pieces in PyTorch (Ada Lovelace)."""

import torch
import torch.nn.functional as F
from torch import nn


# ---------------------------------------------------------------- VAE

def reparameterize(mu, logvar, eps):
    std = torch.exp(0.5 * logvar)
    return mu + std * eps


def kl_divergence(mu, logvar):
    kl_per_example = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(dim=-1)
    return kl_per_example.mean()


def sample_z(mu, logvar, seed):
    g = torch.Generator().manual_seed(seed)
    eps = torch.randn(1, generator=g)
    z = reparameterize(torch.tensor([mu]), torch.tensor([logvar]), eps)
    return z.item()


# ---------------------------------------------------------------- GAN

def discriminator_loss(real_logits, fake_logits):
    loss_real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    loss_fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return loss_real + loss_fake


def generator_loss(fake_logits):
    # non-saturating: label the fakes as real
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


# ---------------------------------------------------------------- diffusion

def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    alphas_cumprod = torch.cumprod(1 - betas, dim=0)
    t = torch.as_tensor(t)
    if (t < 0).any() or (t >= len(betas)).any():
        raise ValueError("t out of range")
    a_bar = alphas_cumprod[t]
    if a_bar.ndim == 1:
        a_bar = a_bar.view(-1, *([1] * (x0.ndim - 1)))
    return a_bar.sqrt() * x0 + (1 - a_bar).sqrt() * noise


# ---------------------------------------------------------------- autoencoder

def train_autoencoder(data, latent_dim, seed=0):
    n, d = data.shape
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim must be between 1 and d")
    torch.manual_seed(seed)
    encoder = nn.Linear(d, latent_dim)
    decoder = nn.Linear(latent_dim, d)
    opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), lr=0.05)
    for step in range(400):
        opt.zero_grad()
        loss = F.mse_loss(decoder(encoder(data)), data)
        loss.backward()
        opt.step()
    with torch.no_grad():
        codes = encoder(data)
        mse = F.mse_loss(decoder(codes), data).item()
    return {
        "codes": codes,
        "decoder_weight": decoder.weight.detach(),
        "decoder_bias": decoder.bias.detach(),
        "mse": mse,
    }
