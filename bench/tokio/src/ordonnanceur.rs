//! Les quatre benchmarks du planificateur multi-thread de tokio (`benches/rt_multi_threaded.rs`
//! du dépôt de tokio : spawn_many, yield_many, ping_pong, chained_spawn), recopiés tels quels
//! dans leur logique, et le calcul pur (2 000 tâches d'environ 50 µs) de bench_ordonnanceur.
//!
//! Seule différence avec l'original : au lieu de `bencher`, chaque itération est chronométrée
//! à part (Instant::now avant et après), exactement comme côté C++ ; le programme C++ calcule
//! la médiane et le minimum. Le runtime est créé une fois par benchmark, hors chronomètre,
//! comme dans l'original (`let rt = rt();` avant `b.iter`).

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{mpsc, Arc};
use std::time::Instant;

use tokio::runtime::{self, Runtime};
use tokio::sync::oneshot;

fn rt(workers: usize) -> Runtime {
    runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("création du runtime tokio multi_thread")
}

/// Appelle `iteration` `echauffements + mesures` fois ; rend les durées (ns) des mesures.
fn repeter(echauffements: u64, mesures: u64, mut iteration: impl FnMut()) -> Vec<f64> {
    let mut echantillons = Vec::new();
    for i in 0..echauffements + mesures {
        let debut = Instant::now();
        iteration();
        let ns = debut.elapsed().as_nanos() as f64;
        if i >= echauffements {
            echantillons.push(ns);
        }
    }
    echantillons
}

fn spawn_many(workers: usize, e: u64, m: u64) -> Vec<f64> {
    const NUM_SPAWN: usize = 10_000;
    let rt = rt(workers);
    let (tx, rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    repeter(e, m, || {
        rem.store(NUM_SPAWN, Relaxed);
        rt.block_on(async {
            for _ in 0..NUM_SPAWN {
                let tx = tx.clone();
                let rem = rem.clone();
                tokio::spawn(async move {
                    if 1 == rem.fetch_sub(1, Relaxed) {
                        tx.send(()).unwrap();
                    }
                });
            }
            let _ = rx.recv().unwrap();
        });
    })
}

fn yield_many(workers: usize, e: u64, m: u64) -> Vec<f64> {
    const NUM_YIELD: usize = 1_000;
    const TASKS: usize = 200;
    let rt = rt(workers);
    let (tx, rx) = mpsc::sync_channel(TASKS);
    repeter(e, m, || {
        for _ in 0..TASKS {
            let tx = tx.clone();
            rt.spawn(async move {
                for _ in 0..NUM_YIELD {
                    tokio::task::yield_now().await;
                }
                tx.send(()).unwrap();
            });
        }
        for _ in 0..TASKS {
            let _ = rx.recv().unwrap();
        }
    })
}

fn ping_pong(workers: usize, e: u64, m: u64) -> Vec<f64> {
    const NUM_PINGS: usize = 1_000;
    let rt = rt(workers);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    let rem = Arc::new(AtomicUsize::new(0));
    repeter(e, m, || {
        let done_tx = done_tx.clone();
        let rem = rem.clone();
        rem.store(NUM_PINGS, Relaxed);
        rt.block_on(async {
            tokio::spawn(async move {
                for _ in 0..NUM_PINGS {
                    let rem = rem.clone();
                    let done_tx = done_tx.clone();
                    tokio::spawn(async move {
                        let (tx1, rx1) = oneshot::channel();
                        let (tx2, rx2) = oneshot::channel();
                        tokio::spawn(async move {
                            rx1.await.unwrap();
                            tx2.send(()).unwrap();
                        });
                        tx1.send(()).unwrap();
                        rx2.await.unwrap();
                        if 1 == rem.fetch_sub(1, Relaxed) {
                            done_tx.send(()).unwrap();
                        }
                    });
                }
            });
            done_rx.recv().unwrap();
        });
    })
}

fn chained_spawn(workers: usize, e: u64, m: u64) -> Vec<f64> {
    const ITER: usize = 1_000;
    fn iter(done_tx: mpsc::SyncSender<()>, n: usize) {
        if n == 0 {
            done_tx.send(()).unwrap();
        } else {
            tokio::spawn(async move {
                iter(done_tx, n - 1);
            });
        }
    }
    let rt = rt(workers);
    let (done_tx, done_rx) = mpsc::sync_channel(1000);
    repeter(e, m, || {
        let done_tx = done_tx.clone();
        rt.block_on(async {
            tokio::spawn(async move {
                iter(done_tx, ITER);
            });
            done_rx.recv().unwrap();
        });
    })
}

/// `tokio_bench ordonnanceur <nom> <workers> <échauffements> <mesures>` : une ligne
/// « ECHANTILLONS ns ns ... » (nanosecondes par itération).
pub fn ordonnanceur(nom: &str, workers: usize, e: u64, m: u64) {
    let echantillons = match nom {
        "spawn_many" => spawn_many(workers, e, m),
        "yield_many" => yield_many(workers, e, m),
        "ping_pong" => ping_pong(workers, e, m),
        "chained_spawn" => chained_spawn(workers, e, m),
        _ => {
            eprintln!("benchmark inconnu : {nom}");
            std::process::exit(2);
        }
    };
    let textes: Vec<String> = echantillons.iter().map(|ns| format!("{ns:.0}")).collect();
    println!("ECHANTILLONS {}", textes.join(" "));
}

// --- Calcul pur ------------------------------------------------------------------------------

/// Le même calcul que `travail` de bench_ordonnanceur.cpp : un xorshift dont chaque tour
/// dépend du précédent (aucun parallélisme à l'intérieur, aucune forme close). `tours` vient
/// de la ligne de commande et le résultat est additionné puis imprimé : le compilateur ne
/// peut ni le précalculer ni le supprimer.
#[inline(never)]
fn travail(graine: u64, tours: u64) -> u64 {
    let mut x = graine | 1;
    for i in 0..tours {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(i);
    }
    x
}

/// `tokio_bench calcul <workers> <tâches> <tours> <échauffements> <mesures>` : lance `tâches`
/// tâches de `travail(i, tours)` depuis la tâche principale, attend chaque handle ; une ligne
/// « ECHANTILLONS ns ... » (durée totale) puis « SOMME s ».
pub fn calcul(workers: usize, taches: u64, tours: u64, e: u64, m: u64) {
    let rt = rt(workers);
    let mut somme = 0u64;
    let echantillons = repeter(e, m, || {
        somme = rt.block_on(async move {
            let mut handles = Vec::with_capacity(taches as usize);
            for i in 0..taches {
                handles.push(tokio::spawn(async move { travail(i, tours) }));
            }
            let mut s = 0u64;
            for h in handles {
                s = s.wrapping_add(h.await.expect("tâche tokio"));
            }
            s
        });
    });
    let textes: Vec<String> = echantillons.iter().map(|ns| format!("{ns:.0}")).collect();
    println!("ECHANTILLONS {}", textes.join(" "));
    println!("SOMME {somme}");
}
