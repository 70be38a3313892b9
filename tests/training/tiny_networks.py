"""The networks of the training tests, shrunk to train on a CPU in seconds (JSON-ready, so
that a config file or a worker process can take them too)."""

TINY_NETWORKS = dict(
    generator=dict(
        w_dim=16,
        grid_size=16,
        fourier_features=8,
        local_width=8,
        feature_dim=8,
        render_widths=[8, 8, 8],
    ),
    encoder=dict(widths=[8, 8, 16, 16, 16]),
    discriminator=dict(widths=[8, 8, 16, 16]),
)
