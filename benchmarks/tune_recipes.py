# ruff: noqa
"""The ranking variants tried for issue 3, run by tune_retrieval.py (`--only base,grid,prf,xl,
lexicon,merged`): weight grid with doc-grouped CV, dense Rocchio and RM3 feedback, RRF, per-
language centring, and the bilingual lexicon learnt from translated articles. Issue 4
(`--only real,docagg,stoplex,sentsim,heading,combo`, see `run_doc_level`): the real search as
the baseline, document-level soft maximum, a stop list for the learnt lexicon, sentence-level
dense max-sim, a title/heading BM25 channel. An experiment log kept so the reported figures can
be reproduced, not library code."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from copilot.retrieval.search import SearchFilters


def run(retriever, preps, doc_ids, only, per_query, cross_validate, fmt) -> None:  # type: ignore[no-untyped-def]
    mask = retriever._allowed(SearchFilters()).mask
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
    run_doc_level(retriever, preps, doc_ids, only, per_query, cross_validate, fmt)


# --- issue 4: ranking ideas on top of the real `Retriever.search` -------------------------------
# `--only real,docagg,stoplex,sentsim,heading,combo`. "real" rebuilds the fused scores of
# `Retriever.search` (context vector, translated-lexicon BM25) and checks them against search
# itself; every other recipe adds to that baseline, and every knob is chosen by doc-grouped CV.


def _cached_vectors(path, texts, embed):  # type: ignore[no-untyped-def]
    """Vectors of `texts` (unique, in order), embedded once and kept in `path`."""
    import hashlib
    import time

    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    file = path.parent / f"{path.name}-{key}.npz"
    if file.exists():
        return np.load(file)["v"], 0.0
    started = time.perf_counter()
    vecs = embed(texts)
    seconds = time.perf_counter() - started
    np.savez(file, v=vecs)
    return vecs, seconds


def _sentences(text):  # type: ignore[no-untyped-def]
    """Sentences and bullet lines of a chunk, markup stripped, at least three words each."""
    import re

    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*+]|\d+[.)]|#+)\s*", "", line).replace("**", "").strip()
        for part in re.split(r"(?<=[.!?;:])\s+(?=[A-Z0-9À-Ý«\"(])", line):
            if len(part.split()) >= 3:
                out.append(part.strip())
    return out


def run_doc_level(retriever, preps, doc_ids, only, per_query, cross_validate, fmt) -> None:  # type: ignore[no-untyped-def]
    import time

    from tune_retrieval import folds_by_doc, metric_row

    from copilot.evaluation.metrics import unique_in_order
    from copilot.retrieval.search import SearchFilters
    from knowledge_base.language import detect_language

    names = ("real", "docagg", "stoplex", "sentsim", "heading", "combo", "doccap")
    if only and not any(n in only for n in names):
        return
    w = retriever.weights
    kb = retriever.kb
    scale = retriever._allowed(SearchFilters())
    mask = scale.mask
    neg = np.where(mask, 0.0, -1e9).astype(np.float32)
    V = retriever._vectors
    Z = lambda s, pl=True: retriever._standardise(s, scale, pl)  # noqa: E731
    from copilot.config import Settings

    cache = Settings().data_dir  # where tune_retrieval.py keeps its query vectors
    answerable = [p for p in preps if p.row.get("relevant_ids")]
    xmask = np.array([bool(p.row.get("cross_lingual")) for p in answerable])
    has_xl = any("cross_lingual" in p.row for p in answerable)

    # Context vectors exactly as `Retriever._with_context` makes them (scenario = earlier turn).
    contexts = sorted(
        {str(p.row["scenario"]) for p in preps if p.row.get("question") and p.row.get("scenario")}
    )
    ctx = {}
    if contexts:
        vecs, _ = _cached_vectors(
            cache / "ctxvecs", contexts, lambda ts: np.stack([retriever.embed_query(t) for t in ts])
        )
        ctx = dict(zip(contexts, vecs, strict=True))

    def full_vector(p):  # type: ignore[no-untyped-def]
        scen = p.row.get("scenario") if p.row.get("question") else None
        if not scen:
            return p.turn_vec
        c = ctx[str(scen)]
        v = p.turn_vec + w.context_share * c / float(np.linalg.norm(c))
        return (v / float(np.linalg.norm(v))).astype(np.float32)

    # Channels of the real search, per query (rows = preps order).
    t0 = time.perf_counter()
    dense_full, dense_turn, lex_z, trans_z = [], [], [], []
    for p in preps:
        fv = full_vector(p)
        df = V @ fv
        dt = V @ p.turn_vec
        dense_full.append(df)
        dense_turn.append(dt)
        lex_z.append(Z(p.bm25_full, w.lexical_per_language))
        lang = detect_language(p.turn, "en")
        trans_z.append(
            retriever._translated_scores(p.full, scale, lang)
            if retriever._lexicons
            else np.zeros_like(df)
        )
    print(f"[channels built in {time.perf_counter() - t0:.1f}s]", flush=True)
    index = {id(p): i for i, p in enumerate(preps)}

    def dense_part(i, df=None, dt=None):  # type: ignore[no-untyped-def]
        df = dense_full[i] if df is None else df
        dt = dense_turn[i] if dt is None else dt
        p = preps[i]
        if full_vector(p) is p.turn_vec:  # one query vector, one z-score (as in search)
            return (w.dense_full + w.dense_turn) * Z(df)
        return w.dense_full * Z(df) + w.dense_turn * Z(dt)

    base_scores = [
        dense_part(i) + w.lexical * lex_z[i] + w.translated * trans_z[i] + neg
        for i in range(len(preps))
    ]

    def real(p):  # type: ignore[no-untyped-def]
        return base_scores[index[id(p)]]

    def show(name, recipe_or_table):  # type: ignore[no-untyped-def]
        m = (
            recipe_or_table
            if isinstance(recipe_or_table, np.ndarray)
            else per_query(preps, recipe_or_table, doc_ids)
        )
        line = f"{name:44s} {fmt(m)}"
        if has_xl:
            line += f" | xl h@5 {m[xmask][:, 1].mean():.3f} (n={int(xmask.sum())})"
        print(line, flush=True)

    def cv(name, grid):  # type: ignore[no-untyped-def]
        held, chosen = cross_validate(preps, grid, doc_ids)
        show(f"CV {name}", held)
        from collections import Counter

        print("   chosen per fold:", dict(Counter(chosen)), flush=True)
        folds = np.array(folds_by_doc(preps))
        first = per_query(preps, next(iter(grid.values())), doc_ids)
        for f in range(5):
            held_f, base_f = held[folds == f], first[folds == f]
            print(
                f"   fold {f} n={len(held_f):4d} {chosen[f]:28s} h@5 {base_f[:, 1].mean():.3f}"
                f" -> {held_f[:, 1].mean():.3f}  mrr {base_f[:, 3].mean():.3f} -> {held_f[:, 3].mean():.3f}"
            )
        return held

    if not only or "real" in only:
        # The real search, the way `copilot eval retrieval` runs it (k*3 chunks -> 10 docs).
        hits, mism, started = [], 0, time.perf_counter()
        for i, p in enumerate(preps):
            retriever._query_cache[p.turn] = p.turn_vec
            scen = p.row.get("scenario") if p.row.get("question") else None
            if scen:
                retriever._query_cache[str(scen)] = ctx[str(scen)]
                res = retriever.search(p.turn, k=30, context=str(scen), context_texts=[str(scen)])
            else:
                res = retriever.search(p.turn, k=30)
            mine = [kb.lexical.ids[j] for j in np.argsort(-base_scores[i])[: len(res.hits)]]
            mism += mine != [h.chunk_id for h in res.hits]
            rel = set(p.row.get("relevant_ids") or [])
            if rel:
                hits.append(metric_row(unique_in_order([h.doc_id for h in res.hits])[:10], rel))
        ms = (time.perf_counter() - started) * 1000 / len(preps)
        show("Retriever.search (harness)", np.array(hits))
        print(
            f"   recipe vs search: {mism} of {len(preps)} top-30 lists differ; {ms:.1f} ms/search (no embedding)"
        )
        show("real (recipe)", real)

    # 1. Document-level aggregation over the chunks of each document.
    codes = {d: j for j, d in enumerate(dict.fromkeys(doc_ids.tolist()))}
    doc_code = np.array([codes[d] for d in doc_ids], dtype=np.int64)
    n_docs = len(codes)

    def aggregate(kind, knob, base=real, top=0, lift_best=False, cap=0.0):  # type: ignore[no-untyped-def]
        def r(p):  # type: ignore[no-untyped-def]
            s = base(p).astype(np.float64)
            ok = s > -1e8
            if kind == "top2":
                order = np.argsort(-s, kind="stable")
                order = order[ok[order]]
                d = doc_code[order]
                _, first = np.unique(d, return_index=True)
                best = np.full(n_docs, -1e9)
                best[d[first]] = s[order[first]]
                rest = np.ones(len(order), dtype=bool)
                rest[first] = False
                second = np.full(n_docs, np.nan)
                d2, o2 = d[rest], order[rest]
                _, f2 = np.unique(d2, return_index=True)
                second[d2[f2]] = s[o2[f2]]
                # a document with a single allowed chunk: its second best is the floor of all
                floor = s[ok].min()
                second = np.where(np.isnan(second), floor, second)
                doc_score = best + knob * second
            else:  # soft maximum: tau * log(sum exp(s / tau)) over a document's allowed chunks
                if top:  # only its `top` best chunks: a long document gains at most tau*log(top)
                    order = np.argsort(-s, kind="stable")
                    d = doc_code[order]
                    by_doc = np.argsort(d, kind="stable")  # still best-first inside each doc
                    starts = np.searchsorted(d[by_doc], d[by_doc])
                    rank = np.empty(len(s), dtype=np.int64)
                    rank[order[by_doc]] = np.arange(len(s)) - starts
                    ok = ok & (rank < top)
                m = np.full(n_docs, -np.inf)
                np.maximum.at(m, doc_code[ok], s[ok])
                e = np.zeros(n_docs)
                np.add.at(e, doc_code[ok], np.exp((s[ok] - m[doc_code[ok]]) / knob))
                if cap:  # the sum over all chunks, capped: a long document gains <= tau*log(cap)
                    e = np.minimum(e, cap)
                doc_score = m + knob * np.log(np.maximum(e, 1e-300))
            if lift_best:  # only each document's best chunk takes the document's score
                out = s.copy()
                m_all = np.full(n_docs, -np.inf)
                np.maximum.at(m_all, doc_code[s > -1e8], s[s > -1e8])
                best_row = (s > -1e8) & (s == m_all[doc_code])
                out[best_row] = doc_score[doc_code[best_row]]
                return out
            # every chunk carries its document's score; chunk order inside a document is kept
            return np.where(ok, doc_score[doc_code] + 1e-6 * s, -1e9)

        return r

    if not only or "docagg" in only:
        sizes = np.bincount(doc_code[mask], minlength=n_docs)
        print(f"allowed chunks per doc: mean {sizes[sizes > 0].mean():.2f}, max {sizes.max()}")
        grid = {"beta 0": real}
        for beta in (0.1, 0.2, 0.3, 0.5, 0.75):
            grid[f"top2 beta {beta}"] = aggregate("top2", beta)
        for tau in (0.25, 0.5, 1.0, 2.0, 3.0, 4.0):
            grid[f"lse tau {tau}"] = aggregate("lse", tau)
        for name, r in grid.items():
            show(name, r)
        cv("docagg", grid)
        # top2 hands a one-chunk document an arbitrary second score (OR-ShARC: it lifts the two
        # two-chunk documents everywhere); the soft maximum needs no such choice.
        cv("docagg lse only", {k: v for k, v in grid.items() if not k.startswith("top2")})
        lse = {k: v for k, v in grid.items() if not k.startswith("top2")}
        for top in (2, 3):
            for tau in (1.0, 2.0, 3.0, 4.0):
                lse[f"lse top{top} tau {tau}"] = aggregate("lse", tau, top=top)
                show(f"lse top{top} tau {tau}", lse[f"lse top{top} tau {tau}"])
        cv("docagg lse incl. top-k", lse)
        cv("docagg lse top3 only", {k: v for k, v in lse.items() if "top3" in k or k == "beta 0"})

        # As `copilot eval retrieval` sees it: k*3 = 30 chunks from search, then 10 documents.
        def harness(recipe):  # type: ignore[no-untyped-def]
            rows = []
            for p in answerable:
                sc = recipe(p)
                top30 = np.argsort(-sc, kind="stable")[:30]
                ranked = unique_in_order([doc_ids[i] for i in top30])[:10]
                rows.append(metric_row(ranked, set(p.row["relevant_ids"])))
            return np.array(rows)

        for top, tau in ((3, 3.0), (0, 2.0)):
            show(f"harness: all chunks top{top} tau {tau}", harness(aggregate("lse", tau, top=top)))
            show(
                f"harness: best chunk top{top} tau {tau}",
                harness(aggregate("lse", tau, top=top, lift_best=True)),
            )
        show("harness: current", harness(real))
        fused = np.concatenate([real(p)[mask] for p in preps])
        print(f"   fused-score scale: std over allowed chunks {fused.std():.2f}")

    if "doccap" in only:  # what Retriever.search implements: capped sum, best chunk lifted
        grid = {"off": real}
        for tau in (1.0, 2.0, 3.0, 4.0):
            for cap in (2.0, 3.0):
                grid[f"cap{cap} tau {tau}"] = aggregate("lse", tau, lift_best=True, cap=cap)
                show(f"cap{cap} tau {tau} (best chunk lifted)", grid[f"cap{cap} tau {tau}"])
        for tau in (2.0, 3.0):
            grid[f"top3 tau {tau}"] = aggregate("lse", tau, top=3, lift_best=True)
            show(f"top3 tau {tau} (best chunk lifted)", grid[f"top3 tau {tau}"])
        cv("doccap", grid)
        groups = {}
        for p in answerable:
            if "cross_lingual" in p.row:
                groups.setdefault(str(p.row["cross_lingual"]), []).append(p)
        for g, members in sorted(groups.items()):
            for name in ("off", "cap3.0 tau 3.0", "top3 tau 3.0"):
                print(
                    f"   cross_lingual={g} {name:16s} {fmt(per_query(members, grid[name], doc_ids))}"
                )

    # 2. A stop list for the learnt lexicon.
    lexicons = dict(retriever._lexicons)
    terms = kb.lexical.chunk_terms()
    vocab = kb.lexical.vocabulary
    langs = retriever._lang
    df_share = {}
    for lg in sorted(set(langs.tolist())):
        rows = np.flatnonzero((langs == lg) & mask)
        counts = np.zeros(len(vocab))
        for r_ in rows:
            counts[np.unique(terms[r_])] += 1
        df_share[lg] = counts / max(len(rows), 1)

    def filtered(max_df, digits, min_units):  # type: ignore[no-untyped-def]
        if min_units == 2:
            source = lexicons
        else:
            saved = retriever._lexicons
            from knowledge_base import lexical as lexmod

            orig = lexmod.derive_lexicon
            import copilot.retrieval.search as rmod

            rmod.derive_lexicon = lambda index, aligned: orig(index, aligned, min_units=min_units)
            try:
                source = retriever._learn_lexicons()
            finally:
                rmod.derive_lexicon = orig
                retriever._lexicons = saved
        out = {}
        for (src, tgt), lex in source.items():
            keep = {}
            for a, b in lex.items():
                if digits and (any(ch.isdigit() for ch in a) or any(ch.isdigit() for ch in b)):
                    continue
                if df_share[src][vocab[a]] > max_df or df_share[tgt][vocab[b]] > max_df:
                    continue
                keep[a] = b
            out[(src, tgt)] = keep
        return out

    def with_lexicon(lex, base_dense=None):  # type: ignore[no-untyped-def]
        saved = retriever._lexicons
        retriever._lexicons = lex
        try:
            tz = [
                retriever._translated_scores(p.full, scale, detect_language(p.turn, "en"))
                if lex
                else np.zeros(len(mask), np.float32)
                for p in preps
            ]
        finally:
            retriever._lexicons = saved
        scores = [
            dense_part(i) + w.lexical * lex_z[i] + w.translated * tz[i] + neg
            for i in range(len(preps))
        ]
        return lambda p: scores[index[id(p)]]

    if (not only or "stoplex" in only) and lexicons:
        grid = {}
        for max_df, digits, mu in itertools.product(
            (1.0, 0.3, 0.2, 0.1, 0.05), (False, True), (2, 3)
        ):
            lex = filtered(max_df, digits, mu)
            n = sum(len(v) for v in lex.values())
            name = f"df<={max_df} digits-{int(digits)} units{mu} n{n}"
            grid[name] = with_lexicon(lex)
            show(name, grid[name])
        cv("stoplex", grid)

    # 3. Sentence-level dense max-sim.
    sent_best_full = sent_best_turn = None
    if not only or "sentsim" in only or "combo" in only:
        ids = list(kb.lexical.ids)
        texts = kb.texts if kb.texts is not None else None
        if texts is None:
            got = retriever._chunk_texts(ids)
            texts = [got[c] for c in ids]
        cat = kb.lexical.catalog
        owner, sents = [], []
        for row, (text, meta) in enumerate(zip(texts, cat, strict=True)):
            parts = [x for x in (meta["title"], meta["section"]) if x]
            if len(parts) == 2 and parts[0] == parts[1]:
                parts.pop()
            head = " > ".join(parts)
            for s in _sentences(text):
                owner.append(row)
                sents.append(f"{head}\n{s}" if head else s)
        from knowledge_base.embeddings import E5Embedder

        emb = E5Embedder()

        def embed_all(ts):  # type: ignore[no-untyped-def]
            out = [emb.embed_passages(ts[k : k + 64]) for k in range(0, len(ts), 64)]
            v = np.concatenate(out)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

        S, seconds = _cached_vectors(cache / "sentvecs", sents, embed_all)
        owner = np.array(owner)
        per_chunk = np.bincount(owner, minlength=len(ids))
        print(
            f"sentences: {len(sents)} for {len(ids)} chunks ({per_chunk.mean():.2f}/chunk, max {per_chunk.max()}, "
            f"{int((per_chunk <= 1).sum())} chunks with <=1); embedding took {seconds:.1f}s"
            + (" (cached)" if not seconds else f" = {1000 * seconds / len(sents):.1f} ms/sentence")
        )

        def best_sentence(qv):  # type: ignore[no-untyped-def]
            sims = S @ qv
            out = np.full(len(ids), -1.0, dtype=np.float32)
            np.maximum.at(out, owner, sims)
            return out

        t0 = time.perf_counter()
        sent_best_full = [best_sentence(full_vector(p)) for p in preps]
        sent_best_turn = [best_sentence(p.turn_vec) for p in preps]
        print(
            f"   max-sim cost: {1000 * (time.perf_counter() - t0) / (2 * len(preps)):.2f} ms per query vector"
        )

    def sentsim(mode, g):  # type: ignore[no-untyped-def]
        scores = []
        for i in range(len(preps)):
            df, dt = dense_full[i], dense_turn[i]
            sf, st = sent_best_full[i], sent_best_turn[i]
            sf = np.where(sf < -0.5, df, sf)  # a chunk with no sentence keeps its own cosine
            st = np.where(st < -0.5, dt, st)
            if mode == "max":
                df2, dt2 = np.maximum(df, sf), np.maximum(dt, st)
            else:  # mix
                df2, dt2 = (1 - g) * df + g * sf, (1 - g) * dt + g * st
            scores.append(
                dense_part(i, df2, dt2) + w.lexical * lex_z[i] + w.translated * trans_z[i] + neg
            )
        return lambda p: scores[index[id(p)]]

    if not only or "sentsim" in only:
        grid = {"g 0": real, "max": sentsim("max", 0)}
        for g in (0.25, 0.5, 0.75, 1.0):
            grid[f"mix g {g}"] = sentsim("mix", g)
        for name, r in grid.items():
            show(name, r)
        cv("sentsim", grid)

    # 4. A BM25 channel over the title and heading path only.
    if not only or "heading" in only or "combo" in only:
        from knowledge_base.lexical import LexicalIndex

        cat = kb.lexical.catalog
        heads = [f"{m['title']}\n{m['section']}" for m in cat]
        hidx = LexicalIndex.build(list(kb.lexical.ids), heads, cat)
        head_z = [Z(hidx.scores(p.full), w.lexical_per_language) for p in preps]

    def heading(h, base=None):  # type: ignore[no-untyped-def]
        scores = [
            (base_scores[i] if base is None else base(preps[i])) + h * head_z[i]
            for i in range(len(preps))
        ]
        return lambda p: scores[index[id(p)]]

    if not only or "heading" in only:
        grid = {"h 0": real}
        for h in (0.1, 0.25, 0.5, 0.75):
            grid[f"h {h}"] = heading(h)
        for name, r in grid.items():
            show(name, r)
        cv("heading", grid)

    # Doc aggregation on top of sentence max-sim, knobs chosen jointly.
    if not only or "combo" in only:
        grid = {"none": real}
        for g in (0.0, 0.25, 0.5):
            for tau in (0.0, 1.0, 2.0, 3.0):
                if g == 0.0 and tau == 0.0:
                    continue
                base = sentsim("mix", g) if g else real
                grid[f"g {g} tau {tau}"] = aggregate("lse", tau, base) if tau else base
        for name, r in grid.items():
            show(name, r)
        cv("combo", grid)
