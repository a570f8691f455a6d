//! Equilibrium solvers.

pub mod enumerate;
