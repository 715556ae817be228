//! Les benchmarks des primitives de synchronisation (chapitres 09 et 12) écrits avec tokio,
//! dans la forme des benchmarks de tokio (`benches/sync_mpsc.rs`, `benches/sync_semaphore.rs`) :
//!
//! - `ping_pong` : deux tâches se renvoient un entier par deux canaux `mpsc(1)`, 10 000
//!   allers-retours ; le programme C++ divise par 20 000 sauts ;
//! - `mpsc_1` et `mpsc_10` : 1 producteur × 10 000 messages, ou 10 producteurs × 1 000, dans un
//!   canal de 100 places (plein la plupart du temps : la contre-pression travaille), un
//!   récepteur ;
//! - `semaphore` : 10 tâches prennent et rendent 1 000 fois chacune une autorisation d'un
//!   sémaphore de 5 (sous contention : 10 tâches pour 5 places).
//!
//! Même méthode que le reste : chaque itération chronométrée à part (Instant::now avant et
//! après), runtime créé une fois par benchmark hors chronomètre. `saveur` : `current` ou
//! `multi` (avec `workers`).

use std::sync::Arc;
use std::time::Instant;

use tokio::runtime::{self, Runtime};
use tokio::sync::{mpsc, Semaphore};

fn rt(saveur: &str, workers: usize) -> Runtime {
    match saveur {
        "current" => runtime::Builder::new_current_thread().enable_all().build(),
        _ => runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build(),
    }
    .expect("création du runtime tokio")
}

const ALLERS_RETOURS: u64 = 10_000;

async fn ping_pong() {
    let (tx_aller, mut rx_aller) = mpsc::channel::<u64>(1);
    let (tx_retour, mut rx_retour) = mpsc::channel::<u64>(1);
    let echo = tokio::spawn(async move {
        while let Some(v) = rx_aller.recv().await {
            tx_retour.send(v + 1).await.unwrap();
        }
    });
    let mut v = 0;
    for _ in 0..ALLERS_RETOURS {
        tx_aller.send(v).await.unwrap();
        v = rx_retour.recv().await.unwrap();
    }
    assert_eq!(v, ALLERS_RETOURS);
    drop(tx_aller);
    echo.await.unwrap();
}

async fn producteurs(n: u64, par_producteur: u64) {
    let (tx, mut rx) = mpsc::channel::<u64>(100);
    for _ in 0..n {
        let tx = tx.clone();
        tokio::spawn(async move {
            for i in 0..par_producteur {
                tx.send(i).await.unwrap();
            }
        });
    }
    drop(tx);
    let mut recus = 0;
    while rx.recv().await.is_some() {
        recus += 1;
    }
    assert_eq!(recus, n * par_producteur);
}

async fn semaphore() {
    let s = Arc::new(Semaphore::new(5));
    let mut taches = Vec::new();
    for _ in 0..10 {
        let s = s.clone();
        taches.push(tokio::spawn(async move {
            for _ in 0..1000 {
                let permis = s.acquire().await.unwrap();
                drop(permis);
            }
        }));
    }
    for t in taches {
        t.await.unwrap();
    }
    assert_eq!(s.available_permits(), 5);
}

pub fn synchro(nom: &str, saveur: &str, workers: usize, echauffements: u64, mesures: u64) {
    let rt = rt(saveur, workers);
    let mut echantillons = Vec::new();
    for i in 0..echauffements + mesures {
        let debut = Instant::now();
        match nom {
            "ping_pong" => rt.block_on(ping_pong()),
            "mpsc_1" => rt.block_on(producteurs(1, 10_000)),
            "mpsc_10" => rt.block_on(producteurs(10, 1_000)),
            "semaphore" => rt.block_on(semaphore()),
            _ => panic!("benchmark inconnu : {nom}"),
        }
        let ns = debut.elapsed().as_nanos() as f64;
        if i >= echauffements {
            echantillons.push(format!("{ns:.0}"));
        }
    }
    println!("ECHANTILLONS {}", echantillons.join(" "));
}
