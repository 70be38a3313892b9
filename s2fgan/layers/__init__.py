"""Pure-PyTorch primitives shared by the networks (no compiled ops)."""
