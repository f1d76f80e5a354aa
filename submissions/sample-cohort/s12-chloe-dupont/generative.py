# Chloe Dupont
import torch


def reparameterize(mu, logvar, eps):
    return mu + torch.exp(logvar) * eps


def kl_divergence(mu, logvar):
    return 0.5 * torch.sum(1 + logvar - mu ** 2 - torch.exp(logvar), dim=-1).mean()
