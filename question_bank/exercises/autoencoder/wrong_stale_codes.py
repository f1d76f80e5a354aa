"""Bug: returns the codes computed before training (kept from a first forward pass) with the
trained decoder, and reports the training loss instead of the error of what is returned."""

import torch
from torch import nn


def train_autoencoder(data, latent_dim, seed=0):
    _, d = data.shape
    if not 1 <= latent_dim <= d:
        raise ValueError("latent_dim out of range")
    torch.manual_seed(seed)
    encoder = nn.Linear(d, latent_dim)
    decoder = nn.Linear(latent_dim, d)
    codes = encoder(data).detach()
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=0.05)
    for _ in range(400):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    return {
        "codes": codes,
        "decoder_weight": decoder.weight.detach(),
        "decoder_bias": decoder.bias.detach(),
        "mse": loss.item(),
    }
