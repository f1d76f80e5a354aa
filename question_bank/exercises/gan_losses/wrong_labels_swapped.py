"""Bug: the discriminator is trained with real -> 0 and fake -> 1."""

import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    real = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    fake = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return real + fake


def generator_loss(fake_logits):
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
