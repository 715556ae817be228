#pragma once
/// \file
/// \brief `RefCounted` : un compteur de références intrusif, et `Ref<T>`, le pointeur qui le
/// tient (l'`Arc` de Rust, sans allocation à part).

#include <atomic>
#include <cstdint>
#include <utility>

namespace rt::detail {

/// \brief Un objet qui compte ses références et se libère à la dernière.
///
/// Intrusif : le compteur est dans l'objet (pas de bloc de contrôle alloué à côté, comme
/// avec `std::shared_ptr`). Les tâches, les planificateurs et l'état partagé d'un `select`
/// en héritent : ce qu'un autre thread peut encore toucher reste en vie tant qu'il en garde
/// une référence.
class RefCounted {
public:
    RefCounted(const RefCounted&) = delete;
    RefCounted& operator=(const RefCounted&) = delete;

    /// \brief Une référence de plus.
    void add_ref() noexcept {
        // relaxed : une référence neuve naît d'une référence existante, déjà ordonnée.
        refs_.fetch_add(1, std::memory_order_relaxed);
    }
    /// \brief Une référence de moins ; la dernière libère l'objet.
    void release() noexcept {
        // Le compteur vaut 1 : nous tenons la seule référence, et personne ne peut en créer
        // une autre (une référence naît d'une référence). On libère sans décrémenter, ce qui
        // économise une instruction atomique (lock) ; c'est le cas de chaque tâche attendue
        // après sa fin. acquire : voir les écritures de ceux qui ont rendu les leurs.
        // Sinon, acq_rel : la dernière référence doit voir toutes les écritures faites par
        // les autres (acquire) avant de libérer, et chacune publie les siennes (release).
        if (refs_.load(std::memory_order_acquire) == 1 ||
            refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            delete this; // destructeur virtuel : l'opérateur delete de la classe réelle
        }
    }

protected:
    /// \brief Un objet neuf, avec `refs` références.
    explicit RefCounted(std::uint32_t refs = 1) noexcept : refs_(refs) {}
    virtual ~RefCounted() = default;
    /// \brief Fixe le compteur d'un objet que personne d'autre ne voit encore.
    void reset_refs(std::uint32_t refs) noexcept { refs_.store(refs, std::memory_order_relaxed); }

private:
    std::atomic<std::uint32_t> refs_;
};

/// \brief Un pointeur qui tient une référence sur un `RefCounted`.
template <class T>
class Ref {
public:
    /// \brief Un pointeur vide.
    Ref() noexcept = default;
    /// \brief Adopte une référence déjà comptée (celle de la création, par exemple).
    static Ref adopt(T* p) noexcept {
        Ref r;
        r.p_ = p;
        return r;
    }
    /// \brief Prend une référence de plus sur `p`.
    explicit Ref(T* p) noexcept : p_(p) {
        if (p_) {
            p_->add_ref();
        }
    }
    /// \brief Une référence de plus sur le même objet.
    Ref(const Ref& o) noexcept : Ref(o.p_) {}
    /// \brief Transfère la référence ; `o` devient vide.
    Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    /// \brief Remplace par `o` (l'ancienne référence est rendue).
    Ref& operator=(Ref o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    /// \brief Rend la référence.
    ~Ref() {
        if (p_) {
            p_->release();
        }
    }
    /// \brief L'objet (non nul).
    T& operator*() const noexcept { return *p_; }
    /// \brief Accès aux membres.
    T* operator->() const noexcept { return p_; }
    /// \brief Le pointeur brut.
    [[nodiscard]] T* get() const noexcept { return p_; }
    /// \brief Vrai si non vide.
    explicit operator bool() const noexcept { return p_ != nullptr; }

private:
    T* p_ = nullptr;
};

} // namespace rt::detail
