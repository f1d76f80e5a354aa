"""Image-generation metrics: FID and KID with a pluggable feature extractor.

- ``sources``: image sets from folders of PNG/JPEG or arrays, streamed in batches.
- ``inception``: the FID Inception-v3 in plain torch; published weights from a local file, sha256-checked.
- ``offline``: a weight-free extractor for tests and demos (not comparable to published FID).
- ``extractors``: choosing and building one of them.
- ``metric``: the template that streams both sets through torchmetrics; ``fid`` and ``kid`` fill it in.
- ``frechet``: the closed-form Fréchet distance between Gaussians (the reference for the tests).
- ``procedural``: seeded procedural-art image sets with a controllable distribution shift.

Nothing heavy is imported here: torch comes with the modules that need it, torchmetrics only
when a metric is computed.
"""
