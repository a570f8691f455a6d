//! Graphviz export (placeholder, being written).
