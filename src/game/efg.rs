//! Gambit `.efg` files (placeholder, being written).
