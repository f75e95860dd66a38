# ruff: noqa
"""The ranking variants tried for issue 3, run by tune_retrieval.py (`--only base,grid,prf,xl,
lexicon,merged`): weight grid with doc-grouped CV, dense Rocchio and RM3 feedback, RRF, per-
language centring, and the bilingual lexicon learnt from translated articles. An experiment log
kept so the reported figures can be reproduced, not library code."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from copilot.retrieval import SearchFilters


def run(retriever, preps, doc_ids, only, per_query, cross_validate, fmt) -> None:  # type: ignore[no-untyped-def]
    mask = retriever._mask(SearchFilters())
    V = retriever._vectors
    Z = lambda s, pl=True: retriever._standardise(s, mask, pl)  # noqa: E731
    neg = np.where(mask, 0.0, -1e9)

    def hybrid(a=1.0, b=1.0, c=0.5, d=0.0):  # type: ignore[no-untyped-def]
        def r(p):  # type: ignore[no-untyped-def]
            s = a * Z(V @ p.full_vec) + b * Z(V @ p.turn_vec) + c * Z(p.bm25_full)
            if d:
                s = s + d * Z(p.bm25_turn)
            return s + neg

        return r

    def dense(p):  # type: ignore[no-untyped-def]
        return V @ p.full_vec + V @ p.turn_vec + neg

    def lexical(p):  # type: ignore[no-untyped-def]
        return p.bm25_full + neg

    def show(name, recipe):  # type: ignore[no-untyped-def]
        print(f"{name:40s} {fmt(per_query(preps, recipe, doc_ids))}", flush=True)

    groups: dict[str, Any] = {}
    for p in preps:
        if "cross_lingual" in p.row and p.row.get("relevant_ids"):
            groups.setdefault(str(p.row["cross_lingual"]), []).append(p)

    def show_groups(name, recipe):  # type: ignore[no-untyped-def]
        show(name, recipe)
        for g, members in sorted(groups.items()):
            print(
                f"   cross_lingual={g:5s} n={len(members):3d} {fmt(per_query(members, recipe, doc_ids))}"
            )

    if not only or "base" in only:
        show("dense", dense)
        show("lexical", lexical)
        show_groups("hybrid (current)", hybrid())

    if not only or "grid" in only:
        grid = {}
        for a, b, c, d in itertools.product(
            (0.5, 1.0, 1.5), (0.5, 1.0, 1.5), (0.25, 0.5, 0.75, 1.0), (0.0, 0.25, 0.5)
        ):
            grid[f"a{a} b{b} c{c} d{d}"] = hybrid(a, b, c, d)
        held, chosen = cross_validate(preps, grid, doc_ids)
        print("CV weights:", fmt(held), chosen)
        table = {n: per_query(preps, r, doc_ids) for n, r in grid.items()}
        best = sorted(table, key=lambda n: -table[n][:, [1, 3]].sum())[:8]
        for n in best:
            print(f"  {n:30s} {fmt(table[n])}")

    model = retriever.kb.lexical.model
    sc = model.scores
    n_docs, n_vocab = sc["num_docs"], len(sc["indptr"]) - 1
    D = np.zeros((n_docs, n_vocab), dtype=np.float32)
    cols = np.repeat(np.arange(n_vocab), np.diff(sc["indptr"]))
    D[sc["indices"], cols] = sc["data"]

    def prf(base, m=5, e=0.5, f=0.0, terms=10, src="fused"):  # type: ignore[no-untyped-def]
        def r(p):  # type: ignore[no-untyped-def]
            s = base(p)
            top = np.argsort(-s)[:m]
            out = s.copy()
            if e:
                centroid = V[top].mean(axis=0)
                out = out + e * Z(V @ centroid)
            if f:
                w = np.exp(Z(s)[top])
                w = w / w.sum()
                rows = D[top] / np.maximum(D[top].sum(axis=1, keepdims=True), 1e-9)
                tw = w @ rows
                keep = np.argsort(-tw)[:terms]
                q = np.zeros(n_vocab, dtype=np.float32)
                q[keep] = tw[keep]
                out = out + f * Z((D > 0).astype(np.float32) @ q * 0 + D @ q)
            return out + neg

        return r

    def rrf(k=60, wts=(1.0, 1.0, 0.5)):  # type: ignore[no-untyped-def]
        def r(p):  # type: ignore[no-untyped-def]
            out = np.zeros(len(mask))
            for wt, ch in zip(wts, (V @ p.full_vec, V @ p.turn_vec, p.bm25_full), strict=True):
                ranks = np.empty(len(ch))
                ranks[np.argsort(-ch)] = np.arange(len(ch))
                out += wt / (k + ranks)
            return out + neg

        return r

    if not only or "prf" in only:
        base = hybrid()
        show("rrf60", rrf())
        show("rrf20", rrf(20))
        for m, e in itertools.product((3, 5, 10), (0.25, 0.5, 1.0)):
            show(f"rocchio m{m} e{e}", prf(base, m, e))
        for m, f, t in itertools.product((3, 5, 10), (0.25, 0.5), (10, 30)):
            show(f"rm3 m{m} f{f} t{t}", prf(base, m, 0.0, f, t))

    langs = retriever._lang
    lang_names = sorted(set(langs.tolist()))
    mus = {lg: V[(langs == lg) & mask].mean(axis=0) for lg in lang_names}
    Vc = V - np.stack([mus[lg] for lg in langs])
    Vc = Vc / np.linalg.norm(Vc, axis=1, keepdims=True)

    def qc(vec, lg):  # type: ignore[no-untyped-def]
        v = vec - mus.get(lg, 0)
        return v / np.linalg.norm(v)

    def xl(a=1.0, b=1.0, c=0.5, center=False, cross_lex=1.0, tr=None, tw=0.5):  # type: ignore[no-untyped-def]
        def r(p):  # type: ignore[no-untyped-def]
            if center:
                s = a * Z(Vc @ qc(p.full_vec, p.lang)) + b * Z(Vc @ qc(p.turn_vec, p.lang))
            else:
                s = a * Z(V @ p.full_vec) + b * Z(V @ p.turn_vec)
            lex = Z(p.bm25_full)
            other = langs != p.lang
            s = s + c * np.where(other, cross_lex * lex, lex)
            if tr is not None:
                t = tr(p)
                if t is not None:
                    s = s + tw * np.where(other, Z(t), 0.0)
            return s + neg

        return r

    if not only or "xl" in only:
        acc = np.mean([p.lang == p.row.get("lang", p.lang) for p in preps])
        print("language detection accuracy", acc)
        show_groups("xl base", xl())
        show_groups("center", xl(center=True))
        for x in (0.0, 0.5):
            show_groups(f"cross_lex {x}", xl(cross_lex=x))
            show_groups(f"center cross_lex {x}", xl(center=True, cross_lex=x))

    from collections import defaultdict

    from knowledge_base.lexical import tokenize

    docs_meta = retriever.kb.manifest["docs"]
    doc_of = np.array([c["doc_id"] for c in retriever.kb.lexical.catalog], dtype=object)
    vocab = model.vocab_dict
    inv_vocab = {i: t for t, i in vocab.items()}
    P = D > 0
    by_topic = defaultdict(dict)
    for d, rec in docs_meta.items():
        if rec.get("topic") and not any((doc_of == d) & ~mask):
            by_topic[(rec["topic"], rec.get("audience"))][rec["lang"]] = d

    def build_lexicon(unit="chunk", min_co=2, min_dice=0.3, top=2):  # type: ignore[no-untyped-def]
        units = []  # (fr presence, en presence)
        for pair in by_topic.values():
            if "fr" not in pair or "en" not in pair:
                continue
            fr = np.flatnonzero(doc_of == pair["fr"])
            en = np.flatnonzero(doc_of == pair["en"])
            if unit == "doc":
                units.append((P[fr].any(0), P[en].any(0)))
            else:
                sim = V[fr] @ V[en].T
                for i, row in enumerate(sim):
                    units.append((P[fr[i]], P[en[int(row.argmax())]]))
                for j, col in enumerate(sim.T):
                    units.append((P[fr[int(col.argmax())]], P[en[j]]))
        F = np.stack([u[0] for u in units]).astype(np.float32)
        E = np.stack([u[1] for u in units]).astype(np.float32)
        co = F.T @ E  # vocab x vocab
        cf, ce = F.sum(0), E.sum(0)
        dice = 2 * co / np.maximum(cf[:, None] + ce[None, :], 1)
        dice[co < min_co] = 0
        lex = {"fr": {}, "en": {}}
        for src, mat in (("fr", dice), ("en", dice.T)):
            for t in np.flatnonzero(mat.max(1) >= min_dice):
                best = np.argsort(-mat[t])[:top]
                lex[src][inv_vocab[t]] = [
                    inv_vocab[b] for b in best if mat[t, b] >= min_dice and b != t
                ]
        return lex

    def translator(lex):  # type: ignore[no-untyped-def]
        def tr(p):  # type: ignore[no-untyped-def]
            toks = tokenize(p.full, p.lang)
            out = [e for t in toks for e in lex.get(p.lang, {}).get(t, [])]
            out = [t for t in dict.fromkeys(out) if t in vocab]
            if not out:
                return None
            return np.asarray(model.get_scores(out), dtype=np.float32)

        return tr

    if not only or "lexicon" in only:
        for unit, mc, md, top in itertools.product(("chunk", "doc"), (2, 3), (0.3, 0.5), (1, 2)):
            lex = build_lexicon(unit, mc, md, top)
            n = sum(len(v) for v in lex["fr"].values())
            if unit == "chunk" and mc == 2 and md == 0.3 and top == 2:
                print(list(lex["fr"].items())[:40])
            for tw in (0.25, 0.5, 1.0):
                show_groups(
                    f"lex {unit} co{mc} d{md} top{top} n{n} tw{tw}", xl(tr=translator(lex), tw=tw)
                )

    def merged(lex, tw=1.0, a=1.0, b=1.0, c=0.5):  # type: ignore[no-untyped-def]
        # lexical channel over original + translated words, standardised per language
        def r(p):  # type: ignore[no-untyped-def]
            toks = tokenize(p.full, p.lang)
            out = [e for t in toks for e in lex.get(p.lang, {}).get(t, [])]
            out = [t for t in dict.fromkeys(out) if t in vocab]
            lexs = p.bm25_full
            if out:
                lexs = lexs + tw * np.asarray(model.get_scores(out), dtype=np.float32)
            s = a * Z(V @ p.full_vec) + b * Z(V @ p.turn_vec) + c * Z(lexs)
            return s + neg

        return r

    if not only or "merged" in only:
        grid = {}
        for unit, mc, md, top in itertools.product(("chunk", "doc"), (2, 3), (0.3, 0.5), (1, 2)):
            lex = build_lexicon(unit, mc, md, top)
            for tw in (0.5, 1.0):
                for c in (0.5, 0.75):
                    grid[f"merged {unit} co{mc} d{md} top{top} tw{tw} c{c}"] = merged(lex, tw, c=c)
                grid[f"other {unit} co{mc} d{md} top{top} tw{tw}"] = xl(tr=translator(lex), tw=tw)
        table = {n: per_query(preps, r, doc_ids) for n, r in grid.items()}
        for n in sorted(table, key=lambda n: -table[n][:, [1, 3]].sum())[:12]:
            show_groups(n, grid[n])
        held, chosen = cross_validate(preps, grid, doc_ids)
        print("CV lexicon:", fmt(held), chosen)
        xmask = np.array(
            [bool(p.row.get("cross_lingual")) for p in preps if p.row.get("relevant_ids")]
        )
        print("  CV cross-lingual:", fmt(held[xmask]), " same:", fmt(held[~xmask]))
