"""Bug: sums the KL over the batch instead of averaging it (scales with the batch size)."""

import torch


def reparameterize(mu, logvar, eps):
    """z = mu + sigma * eps with sigma = exp(logvar / 2).

    mu, logvar, eps: float tensors of the same shape; eps ~ N(0, I) is passed in, so the
    function is deterministic and gradients flow through mu and logvar (the trick).
    Returns a tensor of that shape.
    """
    return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu, logvar):
    """KL(N(mu, diag(exp(logvar))) || N(0, I)), summed over the latent dimensions (last axis)
    and averaged over the batch (the other axes):

        KL = -1/2 * sum_j (1 + logvar_j - mu_j^2 - exp(logvar_j))

    Returns a 0-d tensor, always >= 0 (0 exactly when mu = 0 and logvar = 0).
    """
    per_example = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1)
    return per_example.sum()


def sample_z(mu, logvar, seed):
    """One draw z ~ N(mu, exp(logvar)) for float mu and logvar, via the reparameterisation
    trick, with eps from ``torch.randn(1, generator=torch.Generator().manual_seed(seed))``.

    Returns a Python float.
    """
    generator = torch.Generator().manual_seed(seed)
    eps = torch.randn(1, generator=generator)
    return float(reparameterize(torch.tensor([float(mu)]), torch.tensor([float(logvar)]), eps).item())
