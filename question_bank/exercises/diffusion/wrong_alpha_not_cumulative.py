"""Bug: uses alpha_t = 1 - beta_t instead of the cumulative product alpha_bar_t."""

import torch


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    """T noise variances beta_0 .. beta_{T-1}, evenly spaced from beta_start to beta_end.

    Returns a float32 tensor of shape (T,). Raises ValueError if T < 1.
    """
    if T < 1:
        raise ValueError(f"T must be at least 1, got {T}")
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def q_sample(x0, t, noise, betas):
    """Sample x_t ~ q(x_t | x_0) in one step:

        x_t = sqrt(alpha_bar_t) * x0 + sqrt(1 - alpha_bar_t) * noise,
        alpha_bar_t = prod_{s=0..t} (1 - beta_s)   (t counts from 0)

    x0, noise: float tensors of the same shape (batch first); betas: (T,) tensor.
    t: an int (one step for the whole batch) or a (batch,) integer tensor (one step per
    example, broadcast over the remaining axes). Returns a tensor shaped like x0.
    Raises ValueError if a step is outside 0 .. T-1.
    """
    alpha_bar = 1.0 - betas
    t = torch.as_tensor(t, dtype=torch.long)
    if torch.any(t < 0) or torch.any(t >= betas.shape[0]):
        raise ValueError(f"t must be in [0, {betas.shape[0] - 1}]")
    a = alpha_bar[t]
    if a.dim() == 1:  # one step per example: (batch,) -> (batch, 1, 1, ...)
        a = a.reshape(-1, *([1] * (x0.dim() - 1)))
    return torch.sqrt(a) * x0 + torch.sqrt(1.0 - a) * noise
