# Ravi Patel - generative models
import torch
import torch.nn.functional as F


def reparameterize(mu, logvar, eps):
    std = torch.exp(logvar)
    return mu + std * eps


def kl_divergence(mu, logvar):
    kl = -0.5 * torch.sum(1 + logvar - mu**2 - torch.exp(logvar), dim=-1)
    return kl.mean()


def sample_z(mu, logvar, seed):
    g = torch.Generator().manual_seed(seed)
    eps = torch.randn(1, generator=g)
    return reparameterize(torch.tensor([mu]), torch.tensor([logvar]), eps).item()


def discriminator_loss(real_logits, fake_logits):
    real = F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
    return real + fake


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("T must be >= 1")
    return torch.linspace(beta_start, beta_end, T)


def q_sample(x0, t, noise, betas):
    alphas = 1 - betas
    t = torch.as_tensor(t)
    if torch.any(t < 0) or torch.any(t >= len(betas)):
        raise ValueError("t out of range")
    a = alphas[t]
    if a.dim() == 1:
        a = a.view(-1, *([1] * (x0.dim() - 1)))
    return torch.sqrt(a) * x0 + torch.sqrt(1 - a) * noise
