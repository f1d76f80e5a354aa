"""Emma Okafor - generative.py"""
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    return (-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)).mean()


def sample_z(mu, logvar, seed):
    eps = torch.randn(1, generator=torch.Generator().manual_seed(seed))
    return float(reparameterize(torch.tensor([float(mu)]), torch.tensor([float(logvar)]), eps).item())


def discriminator_loss(real_logits, fake_logits):
    d_real = torch.sigmoid(real_logits)
    d_fake = torch.sigmoid(fake_logits)
    return -torch.log(d_real).mean() - torch.log(1 - d_fake).mean()


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    alpha_bar = torch.cumprod(1.0 - betas, dim=0)
    t = torch.as_tensor(t, dtype=torch.long)
    if torch.any(t < 0) or torch.any(t >= betas.shape[0]):
        raise ValueError("t out of range")
    a = alpha_bar[t - 1]   # t counts from 1 in the DDPM paper
    if a.dim() == 1:
        a = a.reshape(-1, *([1] * (x0.dim() - 1)))
    return torch.sqrt(a) * x0 + torch.sqrt(1.0 - a) * noise


def train_autoencoder(data, latent_dim, seed=0):
    _, d = data.shape
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim out of range")
    torch.manual_seed(seed)
    encoder = nn.Linear(d, latent_dim)
    decoder = nn.Linear(latent_dim, d)
    optimizer = torch.optim.Adam(encoder.parameters(), lr=0.05)
    for _ in range(400):
        optimizer.zero_grad()
        loss = F.mse_loss(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        codes = encoder(data)
        mse = F.mse_loss(decoder(codes), data).item()
    return {"codes": codes, "decoder_weight": decoder.weight.detach(), "decoder_bias": decoder.bias.detach(), "mse": mse}
