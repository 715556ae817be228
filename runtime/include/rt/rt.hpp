#pragma once
/// \file
/// \brief L'en-tête unique du runtime du cours : `#include <rt/rt.hpp>`.
///
/// | tokio                         | rt                                  |
/// |-------------------------------|-------------------------------------|
/// | `async fn f() -> T`           | `rt::Task<T> f()`                   |
/// | `#[tokio::main]`              | `rt::block_on(main_async())`        |
/// | `tokio::spawn(async move {})` | `rt::spawn([=]() -> rt::Task<T> {})`|
/// | `handle.await`                | `co_await handle`                   |
/// | `tokio::time::sleep(d)`       | `rt::time::sleep(d)`                |
/// | `tokio::signal::ctrl_c().await` | `co_await rt::signal::ctrl_c()`   |

#include "rt/io/buf_reader.hpp"
#include "rt/join_error.hpp"
#include "rt/join_handle.hpp"
#include "rt/join_set.hpp"
#include "rt/metrics.hpp"
#include "rt/net/socket_addr.hpp"
#include "rt/net/tcp_listener.hpp"
#include "rt/net/tcp_stream.hpp"
#include "rt/result.hpp"
#include "rt/runtime.hpp"
#include "rt/select.hpp"
#include "rt/signal.hpp"
#include "rt/spawn.hpp"
#include "rt/sync/broadcast.hpp"
#include "rt/sync/mpsc.hpp"
#include "rt/sync/mutex.hpp"
#include "rt/sync/notify.hpp"
#include "rt/sync/oneshot.hpp"
#include "rt/sync/semaphore.hpp"
#include "rt/sync/watch.hpp"
#include "rt/task.hpp"
#include "rt/task/yield_now.hpp"
#include "rt/time.hpp"

/// \namespace rt
/// \brief Le runtime asynchrone du cours : tâches, planificateur, minuteries.

/// \namespace rt::time
/// \brief Le temps : `sleep`, `timeout`, `interval` (comme `tokio::time`).

/// \namespace rt::task
/// \brief Outils pour la tâche courante (`yield_now`).

/// \namespace rt::net
/// \brief Le réseau : `TcpListener`, `TcpStream` (comme `tokio::net`).

/// \namespace rt::signal
/// \brief Les signaux du système : `ctrl_c()` (comme `tokio::signal`).

/// \namespace rt::io
/// \brief Les entrées-sorties tamponnées : `BufReader` (comme `tokio::io`).

/// \namespace rt::sync
/// \brief La synchronisation entre tâches (comme `tokio::sync`) : `Mutex`, `Semaphore`,
/// `Notify` et les canaux `mpsc`, `oneshot`, `broadcast`, `watch`.

/// \namespace rt::sync::broadcast
/// \brief Le canal où chaque message va à tous les abonnés.

/// \namespace rt::detail
/// \brief Les rouages internes : lisibles, mais pas une API stable.
