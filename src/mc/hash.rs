//! FNV-1a, 64 bits (Fowler, Noll & Vo): fixed by its specification, so the same on every
//! platform and toolchain.

/// The 64-bit FNV-1a hash of `bytes`.
///
/// # Examples
/// ```
/// // Reference value from the FNV authors: FNV-1a 64 of "a".
/// assert_eq!(escalation::mc::fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
/// ```
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes
        .iter()
        .fold(OFFSET, |h, &b| (h ^ u64::from(b)).wrapping_mul(PRIME))
}
