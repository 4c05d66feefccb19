//! Runs the validation core natively over the benchmark corpus (written by dump-corpus.mjs as
//! length-prefixed bodies): each path in interleaved rounds, the median time per payload.
//!
//!   matrix-pusher-validator-profile CORPUS [ROUNDS] [PATH]
//!
//! Paths: `json` (`validate_to_json`: the outcome's JSON text, what the WebAssembly build runs),
//! `outcome` (`validate`: the owned `Outcome`). Without PATH
//! every path is timed and one JSON line is printed; with PATH only that one runs (for a
//! profiler or an instruction counter).

use std::hint::black_box;
use std::time::Instant;

use matrix_pusher_validator::{Options, validate, validate_to_json};

const PASSES: usize = 20;
const WARMUP: usize = 5;

fn run(path: &str, bodies: &[&[u8]], options: &Options) -> usize {
    let mut accepted = 0;
    for body in bodies {
        let ok = match path {
            "json" => black_box(validate_to_json(black_box(body), options)).1.is_some(),
            _ => black_box(validate(black_box(body), options)).is_ok(),
        };
        accepted += usize::from(ok);
    }
    accepted
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "benches/work/corpus.bin".into());
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(30);
    let only = args.next();
    let data = std::fs::read(&path).expect("corpus file (node benches/profile/dump-corpus.mjs)");
    let mut bodies = Vec::new();
    let mut at = 0;
    while at + 4 <= data.len() {
        let len = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
        bodies.push(&data[at + 4..at + 4 + len]);
        at += 4 + len;
    }
    let options = Options::default();
    if let Some(only) = only {
        let mut accepted = 0;
        for _ in 0..rounds {
            accepted += run(&only, &bodies, &options);
        }
        println!("{only}: {} bodies x {rounds}, accepted {accepted}", bodies.len());
        return;
    }
    let paths = ["json", "outcome"];
    let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); paths.len()];
    let mut accepted = 0;
    for round in 0..rounds + WARMUP {
        for (i, p) in paths.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..PASSES {
                accepted = run(p, &bodies, &options);
            }
            let ns = start.elapsed().as_nanos() as f64 / (PASSES * bodies.len()) as f64;
            if round >= WARMUP {
                samples[i].push(ns);
            }
        }
    }
    let medians: Vec<f64> = samples
        .iter_mut()
        .map(|s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect();
    println!(
        "{{\"bodies\":{},\"bytes\":{},\"accepted\":{accepted},\"rounds\":{rounds},\"passes_per_round\":{PASSES},\"json_ns_per_payload\":{:.1},\"outcome_ns_per_payload\":{:.1}}}",
        bodies.len(),
        bodies.iter().map(|b| b.len()).sum::<usize>(),
        medians[0],
        medians[1]
    );
}
