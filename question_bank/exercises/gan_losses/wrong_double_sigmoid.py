"""Bug: applies sigmoid to the logits and then passes the probabilities to the *with_logits*
loss, which applies a second sigmoid."""

import torch
import torch.nn.functional as F


def discriminator_loss(real_logits, fake_logits):
    """BCE(D(real), 1) + BCE(D(fake), 0), each averaged over its batch.

    = -mean log sigmoid(real_logits) - mean log(1 - sigmoid(fake_logits)). Returns a 0-d tensor.
    """
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    real = F.binary_cross_entropy_with_logits(real_p, torch.ones_like(real_p))
    fake = F.binary_cross_entropy_with_logits(fake_p, torch.zeros_like(fake_p))
    return real + fake


def generator_loss(fake_logits):
    """The non-saturating generator loss BCE(D(G(z)), 1) = -mean log sigmoid(fake_logits).

    Minimising -log D(G(z)) instead of log(1 - D(G(z))) gives strong gradients exactly when
    the discriminator confidently rejects the fakes (early in training). Returns a 0-d tensor.
    """
    return F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
