# Alan Turing - generative.py
import torch
import torch.nn.functional as F
from torch import nn


def reparameterize(mu, logvar, eps):
    return mu + eps * (0.5 * logvar).exp()


def kl_divergence(mu, logvar):
    return torch.mean(-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=-1))


def sample_z(mu, logvar, seed):
    eps = torch.randn(1, generator=torch.Generator().manual_seed(seed))
    return float(reparameterize(torch.tensor(mu), torch.tensor(logvar), eps))


def discriminator_loss(real_logits, fake_logits):
    return -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()


def generator_loss(fake_logits):
    return -F.logsigmoid(fake_logits).mean()


def linear_beta_schedule(T, beta_start=1e-4, beta_end=0.02):
    if T < 1:
        raise ValueError("need at least one step")
    return torch.linspace(beta_start, beta_end, steps=T)


def q_sample(x0, t, noise, betas):
    T = betas.shape[0]
    t = torch.as_tensor(t, dtype=torch.long)
    if t.min() < 0 or t.max() >= T:
        raise ValueError(f"t must be in 0..{T - 1}")
    abar = torch.cumprod(1 - betas, 0)[t]
    while abar.dim() < x0.dim() and abar.dim() > 0:
        abar = abar.unsqueeze(-1)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * noise


class AutoEncoder(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.encoder = nn.Linear(d, k)
        self.decoder = nn.Linear(k, d)

    def forward(self, x):
        return self.decoder(self.encoder(x))


def train_autoencoder(data, latent_dim, seed=0):
    torch.manual_seed(seed)
    model = AutoEncoder(data.shape[1], latent_dim)
    opt = torch.optim.Adam(model.parameters(), lr=0.03)
    for _ in range(600):
        opt.zero_grad()
        loss = F.mse_loss(model(data), data)
        loss.backward()
        opt.step()
    with torch.no_grad():
        codes = model.encoder(data)
        mse = F.mse_loss(model.decoder(codes), data).item()
    return {"codes": codes, "decoder_weight": model.decoder.weight.detach(),
            "decoder_bias": model.decoder.bias.detach(), "mse": mse}
