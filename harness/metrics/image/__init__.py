"""Image-generation metrics: FID and KID with a pluggable feature extractor.

- ``sources``: image sets from folders of PNG/JPEG or arrays, streamed in batches.
- ``inception``: the FID Inception-v3 in plain torch; published weights from a local file, sha256-checked.
- ``offline``: a weight-free extractor for tests and demos (not comparable to published FID).
- ``extractors``: choosing and building one of them.
- ``metric``: the template that streams both sets through torchmetrics; ``fid`` and ``kid`` fill it in.
- ``frechet``: the closed-form Fréchet distance between Gaussians (the reference for the tests).
- (the image sets come from ``harness.images.procedural``: seeded art with a controllable distribution shift)

Loading the ``fid`` and ``kid`` plugins and validating their options imports no torch,
torchmetrics or Pillow (a suite loader builds every metric of a bank): ``fid``, ``kid``,
``metric``, ``extractors`` and ``sources`` import them inside the functions that score, and the
option values and signature labels live in the torch-free ``_signatures``. ``inception``,
``offline`` and ``_recorder`` (the torch half of ``metric``) import torch at the top and are
themselves imported only when an extractor is built.
"""
