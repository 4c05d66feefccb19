//! Runs the validation core natively over the benchmark corpus (written by dump-corpus.mjs as
//! length-prefixed bodies) and prints the median time per payload over rounds.

use std::time::Instant;

use matrix_pusher_validator::{Options, validate};

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "benches/work/corpus.bin".into());
    let rounds: usize = std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(30);
    let data = std::fs::read(&path).expect("corpus file (node benches/profile/dump-corpus.mjs)");
    let mut bodies = Vec::new();
    let mut at = 0;
    while at + 4 <= data.len() {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        bodies.push(&data[at + 4..at + 4 + len]);
        at += 4 + len;
    }
    let options = Options::default();
    let mut accepted = 0usize;
    let mut samples = Vec::with_capacity(rounds);
    for round in 0..rounds + 5 {
        let start = Instant::now();
        for _ in 0..20 {
            for body in &bodies {
                if std::hint::black_box(validate(std::hint::black_box(body), &options)).is_ok() {
                    accepted += 1;
                }
            }
        }
        let ns = start.elapsed().as_nanos() as f64 / (20 * bodies.len()) as f64;
        if round >= 5 {
            samples.push(ns);
        }
    }
    samples.sort_by(f64::total_cmp);
    println!(
        "native: {} bodies, median {:.0} ns per payload (accepted {})",
        bodies.len(),
        samples[samples.len() / 2],
        accepted / (rounds + 5) / 20
    );
}
