"""Bug: computes log(sigmoid(x)) literally; for very negative logits sigmoid underflows to 0
in float32 and the loss becomes inf."""

import torch


def discriminator_loss(real_logits, fake_logits):
    d_real = torch.sigmoid(real_logits)
    d_fake = torch.sigmoid(fake_logits)
    return -torch.log(d_real).mean() - torch.log(1 - d_fake).mean()


def generator_loss(fake_logits):
    return -torch.log(torch.sigmoid(fake_logits)).mean()
