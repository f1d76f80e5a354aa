"""Reference: train a tiny autoencoder to a reconstruction-error target (generative.py)."""

import torch
from torch import nn


def train_autoencoder(data, latent_dim, seed=0):
    """Train an autoencoder on ``data`` and return what the grader needs to check it.

    data: a float32 tensor (n, d). The encoder maps d -> latent_dim (any architecture); the
    decoder is a single ``nn.Linear(latent_dim, d)``. Training minimises the mean squared
    reconstruction error with Adam, full batch, under ``torch.manual_seed(seed)``.

    Returns a dict with float32 tensors computed after training:
      "codes": encoder(data), shape (n, latent_dim);
      "decoder_weight": decoder.weight, shape (d, latent_dim);
      "decoder_bias": decoder.bias, shape (d,);
    and "mse": the final reconstruction MSE as a Python float.
    Raises ValueError unless 1 <= latent_dim <= d.
    """
    _, d = data.shape
    if not 1 <= latent_dim <= d:
        raise ValueError(f"latent_dim must be in [1, {d}], got {latent_dim}")
    torch.manual_seed(seed)
    encoder = nn.Linear(d, latent_dim)
    decoder = nn.Linear(latent_dim, d)
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=0.05)
    loss_fn = nn.MSELoss()
    for _ in range(400):
        optimizer.zero_grad()
        loss = loss_fn(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        codes = encoder(data)
        mse = loss_fn(decoder(codes), data).item()
    return {
        "codes": codes,
        "decoder_weight": decoder.weight.detach().clone(),
        "decoder_bias": decoder.bias.detach().clone(),
        "mse": mse,
    }
