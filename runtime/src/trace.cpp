// L'enregistreur des traces : un tampon par thread, écrit sans verrou, lu à l'écriture du
// fichier. Voir trace.hpp pour ce qui est enregistré et ce que cela coûte.

#include "rt/detail/trace.hpp"

#include "rt/detail/task_header.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace rt::detail::trace {

std::atomic<Recorder*> g_recorder{nullptr};

namespace {

enum class Kind : std::uint8_t { Spawn, Poll, Wake, Steal, Park, Complete };

/// Comment une tâche a fini.
enum class Outcome : std::uint8_t { Ok, Panic, Cancelled };

/// Un événement : 32 octets.
struct Record {
    std::uint64_t ts;    ///< début (ns depuis l'allumage)
    std::uint64_t value; ///< durée (passage, sommeil), parente (lancement), victime (vol)
    const void* task;    ///< la tâche concernée (nulle pour un vol, un sommeil)
    std::uint32_t extra; ///< nombre volé, issue, numéro de nom
    Kind kind;
};

constexpr std::size_t CHUNK_RECORDS = 4096;
/// Au plus 256 morceaux de 128 Kio pour tout le processus (un peu plus d'un million
/// d'événements, 32 Mio) : la mémoire des traces reste bornée.
constexpr std::size_t MAX_CHUNKS = 256;

/// Un morceau de tampon : rempli par un seul thread, lu par celui qui écrit le fichier.
struct Chunk {
    Record records[CHUNK_RECORDS];
    /// Combien d'événements sont écrits. release par l'écrivain après chaque événement :
    /// qui lit ce compte (acquire) lit des événements complets.
    std::atomic<std::size_t> count{0};
    std::atomic<Chunk*> next{nullptr}; ///< le morceau suivant (publié en release)
};

/// Le tampon d'un thread : une ligne de la frise.
struct ThreadBuffer {
    std::uint32_t runtime = 0;
    Role role = Role::Other;
    std::size_t index = 0;
    std::atomic<Chunk*> first{nullptr};    ///< le premier morceau (publié en release)
    Chunk* last = nullptr;                 ///< seul l'écrivain y touche
    std::atomic<std::uint64_t> dropped{0}; ///< événements perdus (mémoire des traces pleine)
};

} // namespace

/// L'enregistreur : le chemin, les tampons de tous les threads, les noms des tâches.
class Recorder {
public:
    explicit Recorder(std::string path)
        : path_(std::move(path)), origin_(std::chrono::steady_clock::now()) {}

    std::uint64_t now() const noexcept {
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              std::chrono::steady_clock::now() - origin_)
                                              .count());
    }

    ThreadBuffer* new_buffer(std::uint32_t runtime, Role role, std::size_t index) {
        std::lock_guard lock(mutex_);
        buffers_.push_back(std::make_unique<ThreadBuffer>());
        ThreadBuffer* buffer = buffers_.back().get();
        buffer->runtime = runtime;
        buffer->role = role;
        buffer->index = index;
        return buffer;
    }

    /// Un morceau neuf, s'il en reste dans le budget mémoire.
    Chunk* new_chunk() noexcept {
        // relaxed : un compte, rien à publier.
        if (chunks_.fetch_add(1, std::memory_order_relaxed) >= MAX_CHUNKS) {
            return nullptr;
        }
        return new (std::nothrow) Chunk();
    }

    std::uint32_t name_task(std::string_view name) {
        std::lock_guard lock(mutex_);
        names_.emplace_back(name);
        return static_cast<std::uint32_t>(names_.size()); // 0 : pas de nom
    }

    std::uint32_t register_runtime(bool multi_thread, std::size_t workers) {
        std::lock_guard lock(mutex_);
        runtimes_.push_back({multi_thread, workers});
        ++alive_runtimes_;
        return static_cast<std::uint32_t>(runtimes_.size());
    }
    bool unregister_runtime() noexcept {
        std::lock_guard lock(mutex_);
        return --alive_runtimes_ == 0;
    }

    void write() noexcept;

private:
    struct RuntimeInfo {
        bool multi_thread;
        std::size_t workers;
    };
    struct Event {
        Record record;
        std::uint32_t lane;
        std::size_t sequence; ///< rang de lecture (l'ordre d'écriture de chaque thread)
    };
    std::vector<Event> collect(std::vector<std::uint32_t>& lanes_of_buffers,
                               std::vector<std::string>& lane_names, std::uint64_t& dropped);

    const std::string path_;
    const std::chrono::steady_clock::time_point origin_;
    std::mutex mutex_; ///< tampons, noms, runtimes ; et une seule écriture du fichier à la fois
    std::vector<std::unique_ptr<ThreadBuffer>> buffers_;
    std::vector<std::string> names_;
    std::vector<RuntimeInfo> runtimes_;
    int alive_runtimes_ = 0;
    std::atomic<std::size_t> chunks_{0};
};

namespace {

thread_local ThreadBuffer* tls_buffer = nullptr;

Recorder* recorder() noexcept {
    // acquire : voir l'enregistreur construit par celui qui l'a publié.
    return g_recorder.load(std::memory_order_acquire);
}

/// Le tampon du thread appelant (créé au premier événement d'un thread sans rôle).
ThreadBuffer* buffer(Recorder& r) {
    if (tls_buffer == nullptr) {
        tls_buffer = r.new_buffer(0, Role::Other, 0);
    }
    return tls_buffer;
}

void append(const Record& record) noexcept {
    Recorder* r = recorder();
    if (r == nullptr) {
        return;
    }
    ThreadBuffer* b = nullptr;
    try {
        b = buffer(*r);
    } catch (...) {
        return; // plus de mémoire : l'événement est perdu, le programme continue
    }
    Chunk* chunk = b->last;
    // relaxed : seul ce thread écrit ce compte.
    std::size_t n = chunk ? chunk->count.load(std::memory_order_relaxed) : CHUNK_RECORDS;
    if (n == CHUNK_RECORDS) {
        Chunk* fresh = r->new_chunk();
        if (fresh == nullptr) {
            b->dropped.fetch_add(1, std::memory_order_relaxed); // un compte
            return;
        }
        if (chunk) {
            chunk->next.store(fresh, std::memory_order_release); // publie le morceau vide
        } else {
            b->first.store(fresh, std::memory_order_release); // publie le premier morceau
        }
        b->last = chunk = fresh;
        n = 0;
    }
    chunk->records[n] = record;
    chunk->count.store(n + 1, std::memory_order_release); // l'événement est complet
}

std::string escape_json(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        default:
            if (c < 0x20) {
                char code[8];
                std::snprintf(code, sizeof code, "\\u%04x", c);
                out += code;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out;
}

} // namespace

// --- Écrire le fichier --------------------------------------------------------------------

std::vector<Recorder::Event> Recorder::collect(std::vector<std::uint32_t>& lanes_of_buffers,
                                               std::vector<std::string>& lane_names,
                                               std::uint64_t& dropped) {
    // Les lignes : pour chaque runtime, ses workers dans l'ordre, puis le thread de block_on ;
    // ensuite les threads bloquants, puis les autres.
    std::vector<std::size_t> order(buffers_.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
    }
    auto rank = [&](const ThreadBuffer& b) {
        const int role = b.role == Role::Worker     ? 0
                         : b.role == Role::BlockOn  ? 1
                         : b.role == Role::Blocking ? 2
                                                    : 3;
        const std::uint32_t runtime =
            b.role == Role::Worker || b.role == Role::BlockOn ? b.runtime : 0xFFFFFFFFu;
        return std::tuple(runtime, role, b.index);
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tuple(rank(*buffers_[a]), a) < std::tuple(rank(*buffers_[b]), b);
    });
    lanes_of_buffers.assign(buffers_.size(), 0);
    const bool several = runtimes_.size() > 1;
    std::size_t others = 0;
    for (std::size_t lane = 0; lane < order.size(); ++lane) {
        const ThreadBuffer& b = *buffers_[order[lane]];
        lanes_of_buffers[order[lane]] = static_cast<std::uint32_t>(lane);
        std::string prefix =
            several && b.runtime != 0 ? "rt" + std::to_string(b.runtime) + " · " : "";
        switch (b.role) {
        case Role::Worker:
            lane_names.push_back(prefix + "worker " + std::to_string(b.index));
            break;
        case Role::BlockOn:
            lane_names.push_back(prefix + "block_on");
            break;
        case Role::Blocking:
            lane_names.push_back("bloquant " + std::to_string(b.index));
            break;
        case Role::Other:
            lane_names.push_back("thread " + std::to_string(others++));
            break;
        }
    }
    std::vector<Event> events;
    dropped = 0;
    for (std::size_t i = 0; i < buffers_.size(); ++i) {
        const ThreadBuffer& b = *buffers_[i];
        dropped += b.dropped.load(std::memory_order_relaxed);
        // acquire (ici et plus bas) : voir les événements écrits avant leur publication.
        Chunk* chunk = b.first.load(std::memory_order_acquire);
        while (chunk != nullptr) {
            const std::size_t n = chunk->count.load(std::memory_order_acquire);
            for (std::size_t k = 0; k < n; ++k) {
                events.push_back({chunk->records[k], lanes_of_buffers[i], events.size()});
            }
            chunk = chunk->next.load(std::memory_order_acquire);
        }
    }
    // Dans l'ordre du temps ; à égalité, une fin avant un lancement (une adresse réutilisée
    // ne peut être lancée qu'après la libération de la tâche d'avant), puis l'ordre d'écriture.
    std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
        const bool a_first = a.record.kind == Kind::Complete;
        const bool b_first = b.record.kind == Kind::Complete;
        return std::tuple(a.record.ts, !a_first, a.sequence) <
               std::tuple(b.record.ts, !b_first, b.sequence);
    });
    return events;
}

void Recorder::write() noexcept {
    try {
        std::lock_guard lock(mutex_);
        std::vector<std::uint32_t> lanes_of_buffers;
        std::vector<std::string> lane_names;
        std::uint64_t dropped = 0;
        const std::vector<Event> events = collect(lanes_of_buffers, lane_names, dropped);

        std::FILE* out = std::fopen(path_.c_str(), "w");
        if (out == nullptr) {
            std::fprintf(stderr, "rt : impossible d'écrire la trace dans « %s »\n", path_.c_str());
            return;
        }
        const RuntimeInfo first = runtimes_.empty() ? RuntimeInfo{false, 1} : runtimes_.front();
        std::fprintf(out,
                     "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"runtime\":\"rt\",\"flavor\":"
                     "\"%s\",\"workers\":%zu,\"dropped\":%llu},\"traceEvents\":[\n",
                     first.multi_thread ? "multi_thread" : "current_thread", first.workers,
                     static_cast<unsigned long long>(dropped));
        std::fprintf(out, "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":1,\"args\":{\"name\":"
                          "\"rt\"}}");
        for (std::size_t lane = 0; lane < lane_names.size(); ++lane) {
            std::fprintf(out,
                         ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%zu,"
                         "\"args\":{\"name\":\"%s\"}}",
                         lane, escape_json(lane_names[lane]).c_str());
        }
        // Les identifiants des tâches : un par lancement, dans l'ordre du temps (une adresse
        // peut servir à plusieurs tâches successives).
        std::unordered_map<const void*, std::uint64_t> ids;
        std::uint64_t next_id = 1;
        auto id_of = [&](const void* task) {
            auto [it, inserted] = ids.try_emplace(task, next_id);
            next_id += inserted ? 1 : 0;
            return it->second;
        };
        std::unordered_map<std::uint64_t, std::string> task_names;
        auto name_of = [&](std::uint64_t id) {
            auto it = task_names.find(id);
            return it != task_names.end() ? it->second : "tâche " + std::to_string(id);
        };
        auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
        for (const Event& e : events) {
            const Record& r = e.record;
            switch (r.kind) {
            case Kind::Spawn: {
                const std::uint64_t id = next_id++;
                ids[r.task] = id;
                if (r.extra != 0 && r.extra <= names_.size()) {
                    task_names[id] = names_[r.extra - 1];
                }
                const auto parent = reinterpret_cast<const void*>(r.value);
                const std::string parent_text =
                    parent != nullptr && ids.count(parent) ? std::to_string(ids[parent]) : "null";
                std::fprintf(out,
                             ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"spawn\",\"name\":\"spawn\","
                             "\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"args\":{\"task\":%llu,\"name\":"
                             "\"%s\",\"parent\":%s}}",
                             e.lane, us(r.ts), static_cast<unsigned long long>(id),
                             escape_json(name_of(id)).c_str(), parent_text.c_str());
                break;
            }
            case Kind::Poll: {
                const std::uint64_t id = id_of(r.task);
                std::fprintf(out,
                             ",\n{\"ph\":\"X\",\"cat\":\"poll\",\"name\":\"%s\",\"pid\":1,"
                             "\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"task\":%llu}}",
                             escape_json(name_of(id)).c_str(), e.lane, us(r.ts), us(r.value),
                             static_cast<unsigned long long>(id));
                break;
            }
            case Kind::Wake:
                std::fprintf(out,
                             ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"wake\",\"name\":\"wake\","
                             "\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"args\":{\"task\":%llu}}",
                             e.lane, us(r.ts), static_cast<unsigned long long>(id_of(r.task)));
                break;
            case Kind::Steal:
                std::fprintf(out,
                             ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"steal\",\"name\":\"steal\","
                             "\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"args\":{\"from\":%llu,"
                             "\"count\":%u}}",
                             e.lane, us(r.ts), static_cast<unsigned long long>(r.value), r.extra);
                break;
            case Kind::Park:
                std::fprintf(out,
                             ",\n{\"ph\":\"X\",\"cat\":\"park\",\"name\":\"park\",\"pid\":1,"
                             "\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f}",
                             e.lane, us(r.ts), us(r.value));
                break;
            case Kind::Complete: {
                static const char* const outcomes[] = {"ok", "panic", "cancelled"};
                std::fprintf(out,
                             ",\n{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"task\",\"name\":\"complete\","
                             "\"pid\":1,\"tid\":%u,\"ts\":%.3f,\"args\":{\"task\":%llu,"
                             "\"outcome\":\"%s\"}}",
                             e.lane, us(r.ts), static_cast<unsigned long long>(id_of(r.task)),
                             outcomes[std::min<std::uint32_t>(r.extra, 2)]);
                ids.erase(r.task); // l'adresse pourra resservir à une autre tâche
                break;
            }
            }
        }
        std::fprintf(out, "\n]}\n");
        std::fclose(out);
    } catch (...) {
        std::fprintf(stderr, "rt : la trace n'a pas pu être écrite (mémoire)\n");
    }
}

// --- L'interface ---------------------------------------------------------------------------

namespace {
/// Écrit la trace à la fin du programme (les runtimes encore vivants à ce moment compris).
struct FlushAtExit {
    ~FlushAtExit() { flush(); }
} flush_at_exit;
} // namespace

void start(const std::string& path) {
    if (recorder() != nullptr) {
        return;
    }
    // Le fichier doit pouvoir être créé : mieux vaut le dire maintenant qu'à la fin.
    std::FILE* probe = std::fopen(path.c_str(), "w");
    if (probe == nullptr) {
        throw std::runtime_error("trace : impossible de créer le fichier « " + path + " »");
    }
    std::fclose(probe);
    auto* fresh = new Recorder(path); // jamais libéré : des threads détachés peuvent écrire
    Recorder* expected = nullptr;
    // release : publie l'enregistreur construit ; un autre allumage simultané perd.
    if (!g_recorder.compare_exchange_strong(expected, fresh, std::memory_order_release)) {
        delete fresh;
    }
}

void start_from_env() {
    const char* path = std::getenv("RT_TRACE");
    if (path != nullptr && *path != '\0') {
        start(path);
    }
}

std::uint32_t register_runtime(bool multi_thread, std::size_t workers) {
    Recorder* r = recorder();
    return r != nullptr ? r->register_runtime(multi_thread, workers) : 0;
}

void unregister_runtime() noexcept {
    Recorder* r = recorder();
    if (r != nullptr && r->unregister_runtime()) {
        r->write();
    }
}

void flush() noexcept {
    if (Recorder* r = recorder()) {
        r->write();
    }
}

void name_thread(std::uint32_t runtime, Role role, std::size_t index) noexcept {
    if (Recorder* r = recorder()) {
        if (tls_buffer != nullptr && tls_buffer->runtime == runtime && tls_buffer->role == role &&
            tls_buffer->index == index) {
            return; // déjà sa ligne (plusieurs block_on du même runtime sur ce thread)
        }
        try {
            tls_buffer = r->new_buffer(runtime, role, index);
        } catch (...) {
            // plus de mémoire : le thread garde sa ligne d'avant (ou une ligne sans nom)
        }
    }
}

std::uint64_t now() noexcept {
    Recorder* r = recorder();
    return r != nullptr ? r->now() : 0;
}

namespace {
/// Les branches d'un `select` passent dans le passage de leur parente : pas de ligne à elles.
bool traced(const TaskHeader& task) noexcept {
    return task.scheduler->traced;
}
} // namespace

void record_spawn(const TaskHeader& task, std::string_view name) noexcept {
    Recorder* r = recorder();
    if (r == nullptr || !traced(task)) {
        return;
    }
    std::uint32_t name_index = 0;
    if (!name.empty()) {
        try {
            name_index = r->name_task(name);
        } catch (...) {
            // sans nom : « tâche N »
        }
    }
    append({r->now(), reinterpret_cast<std::uint64_t>(current_task()), &task, name_index,
            Kind::Spawn});
}

std::uint64_t begin_poll(const TaskHeader& task) noexcept {
    Recorder* r = recorder();
    return r != nullptr && traced(task) ? r->now() : NOT_TRACED;
}

void record_poll(const void* task, std::uint64_t start) noexcept {
    if (Recorder* r = recorder()) {
        append({start, r->now() - start, task, 0, Kind::Poll});
    }
}

void record_wake(const TaskHeader& task) noexcept {
    Recorder* r = recorder();
    if (r != nullptr && traced(task)) {
        append({r->now(), 0, &task, 0, Kind::Wake});
    }
}

void record_steal(std::size_t victim, std::uint32_t count) noexcept {
    if (Recorder* r = recorder()) {
        append({r->now(), victim, nullptr, count, Kind::Steal});
    }
}

void record_park(std::uint64_t start) noexcept {
    if (Recorder* r = recorder()) {
        append({start, r->now() - start, nullptr, 0, Kind::Park});
    }
}

void record_complete(const TaskHeader& task) noexcept {
    Recorder* r = recorder();
    if (r == nullptr || !traced(task)) {
        return;
    }
    const Outcome outcome = task.cancelled_output()  ? Outcome::Cancelled
                            : task.panic_of_output() ? Outcome::Panic
                                                     : Outcome::Ok;
    append({r->now(), 0, &task, static_cast<std::uint32_t>(outcome), Kind::Complete});
}

} // namespace rt::detail::trace
