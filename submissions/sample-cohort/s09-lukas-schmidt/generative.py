# Lukas Schmidt
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar, eps):
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    return -0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar))


def sample_z(mu, logvar, seed):
    eps = torch.randn(1, generator=torch.Generator().manual_seed(seed))
    return reparameterize(torch.tensor([mu]), torch.tensor([logvar]), eps).item()


def discriminator_loss(real_logits, fake_logits):
    return (F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
            + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits)))


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T")
    return torch.linspace(beta_start, beta_end, T)


def q_sample(x0, t, noise, betas):
    abar = torch.cumprod(1 - betas, 0)
    t = torch.as_tensor(t)
    if (t < 0).any() or (t >= len(betas)).any():
        raise ValueError("t")
    a = abar[t]
    if a.dim() == 1:
        a = a.view(-1, *([1] * (x0.dim() - 1)))
    return a * x0 + (1 - a) * noise


def train_autoencoder(data, latent_dim, seed=0):
    d = data.shape[1]
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim")
    torch.manual_seed(seed)
    enc, dec = nn.Linear(d, latent_dim), nn.Linear(latent_dim, d)
    codes = enc(data).detach()
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), lr=0.05)
    for _ in range(400):
        opt.zero_grad()
        loss = F.mse_loss(dec(enc(data)), data)
        loss.backward()
        opt.step()
    return {"codes": codes, "decoder_weight": dec.weight.detach(), "decoder_bias": dec.bias.detach(),
            "mse": loss.item()}
