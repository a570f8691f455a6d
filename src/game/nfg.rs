//! Gambit `.nfg` files (placeholder, being written).
