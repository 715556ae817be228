//! Les mêmes mesures que bench_spawn, bench_dormeurs (current_thread), bench_ordonnanceur et
//! bench_http (multi_thread), écrites avec tokio.
//!
//! Usage (appelé par les programmes C++, qui impriment le tableau) :
//!   tokio_bench spawn <n> <échauffements> <mesures>   → « ECHANTILLONS ns ns ... » (ns/tâche)
//!   tokio_bench dormeurs <n> <ms>                     → « RESULTAT mur_ns rss_avant_kio vmhwm_kio somme »
//!   tokio_bench ordonnanceur <nom> <workers> <échauffements> <mesures>
//!                                                     → « ECHANTILLONS ns ... » (ns/itération)
//!   tokio_bench calcul <workers> <tâches> <tours> <échauffements> <mesures>
//!                                                     → « ECHANTILLONS ns ... » puis « SOMME s »
//!   tokio_bench http <workers>                        → « PORT n », puis sert jusqu'au kill
//!   tokio_bench synchro <nom> <current|multi> <workers> <échauffements> <mesures>
//!                                                     → « ECHANTILLONS ns ... » (ns/itération)

mod http;
mod ordonnanceur;
mod synchro;

use std::time::{Duration, Instant};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("création du runtime tokio")
}

/// Le programme « Mesurer les performances » de l'article : ns par tâche.
async fn spawn_join(n: usize) -> f64 {
    let mut handles = Vec::with_capacity(n);
    let debut = Instant::now();
    for _ in 0..n {
        handles.push(tokio::spawn(async {}));
    }
    let mut reussies = 0usize;
    for handle in handles {
        reussies += handle.await.is_ok() as usize;
    }
    let duree = debut.elapsed();
    assert_eq!(reussies, n, "des tâches tokio ont échoué");
    duree.as_nanos() as f64 / n as f64
}

/// Une valeur de /proc/self/status en Kio (VmRSS, VmHWM).
fn statut_kio(cle: &str) -> i64 {
    let texte = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    for ligne in texte.lines() {
        if let Some(reste) = ligne.strip_prefix(cle).and_then(|r| r.strip_prefix(':')) {
            let nombre = reste.trim().trim_end_matches("kB").trim();
            return nombre.parse().unwrap_or(-1);
        }
    }
    -1
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| -> u64 {
        args.get(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("argument {i} manquant ou invalide"))
    };
    match args.get(1).map(String::as_str) {
        Some("spawn") => {
            let (n, echauffements, mesures) = (arg(2) as usize, arg(3), arg(4));
            let mut echantillons = Vec::new();
            for i in 0..echauffements + mesures {
                // Un runtime neuf par mesure, comme côté C++.
                let ns = runtime().block_on(spawn_join(n));
                if i >= echauffements {
                    echantillons.push(format!("{ns:.3}"));
                }
            }
            println!("ECHANTILLONS {}", echantillons.join(" "));
        }
        Some("dormeurs") => {
            let (n, ms) = (arg(2), arg(3));
            let rt = runtime();
            let avant = statut_kio("VmRSS");
            let (duree, somme) = rt.block_on(async move {
                let debut = Instant::now();
                let mut handles = Vec::with_capacity(n as usize);
                for i in 0..n {
                    handles.push(tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        i * 2
                    }));
                }
                let mut somme = 0u64;
                for handle in handles {
                    somme += handle.await.expect("tâche tokio");
                }
                (debut.elapsed(), somme)
            });
            let pic = statut_kio("VmHWM");
            println!("RESULTAT {} {} {} {}", duree.as_nanos(), avant, pic, somme);
        }
        Some("ordonnanceur") => {
            let nom = args.get(2).map(String::as_str).unwrap_or("");
            ordonnanceur::ordonnanceur(nom, arg(3) as usize, arg(4), arg(5));
        }
        Some("calcul") => {
            ordonnanceur::calcul(arg(2) as usize, arg(3), arg(4), arg(5), arg(6));
        }
        Some("http") => http::serveur(arg(2) as usize),
        Some("synchro") => {
            let nom = args.get(2).map(String::as_str).unwrap_or("");
            let saveur = args.get(3).map(String::as_str).unwrap_or("current");
            synchro::synchro(nom, saveur, arg(4) as usize, arg(5), arg(6));
        }
        _ => {
            eprintln!(
                "usage : tokio_bench spawn <n> <échauffements> <mesures> | dormeurs <n> <ms> \
                 | ordonnanceur <nom> <workers> <échauffements> <mesures> \
                 | calcul <workers> <tâches> <tours> <échauffements> <mesures> | http <workers> \
                 | synchro <nom> <current|multi> <workers> <échauffements> <mesures>"
            );
            std::process::exit(2);
        }
    }
}
