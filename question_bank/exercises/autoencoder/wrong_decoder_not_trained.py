"""Bug: the optimiser is only given the encoder's parameters, so the decoder keeps its random
initial weights."""

import torch
from torch import nn


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
        loss = nn.functional.mse_loss(decoder(encoder(data)), data)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        codes = encoder(data)
        mse = nn.functional.mse_loss(decoder(codes), data).item()
    return {
        "codes": codes,
        "decoder_weight": decoder.weight.detach(),
        "decoder_bias": decoder.bias.detach(),
        "mse": mse,
    }
