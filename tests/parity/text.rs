//! `cinegenre::text` against scikit-learn 1.9.1 (`tools/gen_text.py`, `tools/gen_unicode_tables.py`).
//!
//! Everything here is exact: tokens, vocabularies, counts and error messages compare equal, and
//! TF-IDF values compare by `f64::to_bits` (scikit-learn's float order is reproduced, see
//! `src/text/tfidf.rs`).

use cinegenre::matrix::CsrMatrix;
use cinegenre::text::{
    CountVectorizer, CountVectorizerParams, DocFreq, Norm, TfidfParams, TfidfTransformer,
    is_python_word_char, python_lower, tokenize,
};
use serde_json::Value;

use crate::fixtures::{assert_bits_eq, assert_seq_eq, load, read_text, vec_of};

/// A CSR matrix stored by the generator as `{shape, indptr, indices, data}`.
fn csr(value: &Value, label: &str) -> CsrMatrix {
    let shape: Vec<usize> = vec_of(&value["shape"], label);
    CsrMatrix::from_parts(
        shape[0],
        shape[1],
        vec_of(&value["indptr"], label),
        vec_of(&value["indices"], label),
        vec_of(&value["data"], label),
    )
    .unwrap_or_else(|e| panic!("{label}: {e}"))
}

/// Same structure and bit-identical values.
fn assert_csr_eq(label: &str, got: &CsrMatrix, want: &CsrMatrix) {
    assert_eq!(got.shape(), want.shape(), "{label}: shape");
    assert_seq_eq(&format!("{label} indptr"), got.indptr(), want.indptr());
    assert_seq_eq(&format!("{label} indices"), got.indices(), want.indices());
    assert_bits_eq(&format!("{label} data"), got.data(), want.data());
}

fn fit(docs: &[String], params: CountVectorizerParams) -> (CountVectorizer, cinegenre::Result<CsrMatrix>) {
    let mut cv = CountVectorizer::new(params);
    let x = cv.fit_transform(docs);
    (cv, x)
}

#[test]
fn four_docs_vocabulary_counts_idf_and_tfidf() {
    let fx = load("text/basic.json");
    let docs: Vec<String> = vec_of(&fx["docs"], "docs");
    let (cv, x) = fit(&docs, CountVectorizerParams::default());
    let x = x.unwrap();
    let terms: Vec<String> = vec_of(&fx["vocabulary"], "vocabulary");
    assert_eq!(cv.vocabulary().unwrap().terms(), &terms[..]);
    assert_csr_eq("counts", &x, &csr(&fx["counts"], "counts"));
    let mut tfidf = TfidfTransformer::new(TfidfParams::default());
    let y = tfidf.fit_transform(&x).unwrap();
    assert_bits_eq("idf", tfidf.idf().unwrap(), &vec_of::<f64>(&fx["idf"], "idf"));
    assert_csr_eq("tfidf", &y, &csr(&fx["tfidf"], "tfidf"));
}

#[test]
fn unicode_tokens_lowercasing_and_vocabulary() {
    let fx = load("text/unicode.json");
    let docs: Vec<String> = vec_of(&fx["docs"], "docs");
    let lowered: Vec<String> = vec_of(&fx["lowered"], "lowered");
    let want_tokens: Vec<Vec<String>> = vec_of(&fx["tokens"], "tokens");
    let want_raw_tokens: Vec<Vec<String>> = vec_of(&fx["tokens_no_lowercase"], "tokens_no_lowercase");
    for (i, doc) in docs.iter().enumerate() {
        let lower = python_lower(doc);
        assert_eq!(lower, lowered[i], "python_lower of doc {i} {doc:?}");
        assert_eq!(tokenize(&lower), want_tokens[i], "tokens of doc {i} {doc:?}");
        assert_eq!(tokenize(doc), want_raw_tokens[i], "tokens (no lowercase) of doc {i} {doc:?}");
    }
    let (cv, x) = fit(&docs, CountVectorizerParams::default());
    let terms: Vec<String> = vec_of(&fx["vocabulary"], "vocabulary");
    assert_seq_eq("vocabulary", cv.vocabulary().unwrap().terms(), &terms);
    assert_csr_eq("counts", &x.unwrap(), &csr(&fx["counts"], "counts"));
}

#[test]
fn min_df_max_df_variants_and_error_messages() {
    let fx = load("text/doc_freq.json");
    let docs: Vec<String> = vec_of(&fx["docs"], "docs");
    for case in fx["cases"].as_array().unwrap() {
        let (min_s, max_s) = (case["min_df"].as_str().unwrap(), case["max_df"].as_str().unwrap());
        let params = CountVectorizerParams {
            min_df: min_s.parse::<DocFreq>().unwrap(),
            max_df: max_s.parse::<DocFreq>().unwrap(),
            lowercase: true,
        };
        let label = format!("min_df={min_s} max_df={max_s}");
        let (cv, x) = fit(&docs, params);
        match case.get("error") {
            Some(msg) => assert_eq!(x.unwrap_err().to_string(), msg.as_str().unwrap(), "{label}"),
            None => {
                let terms: Vec<String> = vec_of(&case["vocabulary"], &label);
                assert_eq!(cv.vocabulary().unwrap().terms(), &terms[..], "{label}");
                assert_csr_eq(&label, &x.unwrap(), &csr(&case["counts"], &label));
            }
        }
    }
    for case in fx["empty_vocabulary_cases"].as_array().unwrap() {
        let docs: Vec<String> = vec_of(&case["docs"], "docs");
        let (_, x) = fit(&docs, CountVectorizerParams::default());
        assert_eq!(x.unwrap_err().to_string(), case["error"].as_str().unwrap(), "docs {docs:?}");
    }
}

#[test]
fn tfidf_parameter_variants() {
    let fx = load("text/tfidf_variants.json");
    let docs: Vec<String> = vec_of(&fx["docs"], "docs");
    let (_, x) = fit(&docs, CountVectorizerParams::default());
    let x = x.unwrap();
    assert_csr_eq("counts", &x, &csr(&fx["counts"], "counts"));
    for v in fx["variants"].as_array().unwrap() {
        let norm = match v["norm"].as_str() {
            Some("l1") => Some(Norm::L1),
            Some("l2") => Some(Norm::L2),
            _ => None,
        };
        let params = TfidfParams {
            norm,
            use_idf: v["use_idf"].as_bool().unwrap(),
            smooth_idf: v["smooth_idf"].as_bool().unwrap(),
            sublinear_tf: v["sublinear_tf"].as_bool().unwrap(),
        };
        let label = format!("{params:?}");
        let mut t = TfidfTransformer::new(params);
        let y = t.fit_transform(&x).unwrap();
        match v["idf"].as_array() {
            Some(_) => assert_bits_eq(&label, t.idf().unwrap(), &vec_of::<f64>(&v["idf"], &label)),
            None => assert!(t.idf().is_none(), "{label}: idf"),
        }
        assert_csr_eq(&label, &y, &csr(&v["tfidf"], &label));
    }
}

/// The tutorial's own vectorization on real TMDB overviews, read from the bundled data file.
#[test]
fn real_tmdb_overviews_bit_exact() {
    let fx = load("text/real_tmdb.json.gz");
    let data_file = fx["data_file"].as_str().unwrap().trim_start_matches("fixtures/");
    let movies: Vec<Value> = serde_json::from_str(&read_text(data_file)).unwrap();
    let docs: Vec<String> =
        movies.iter().map(|m| m["overview"].as_str().expect("overview").replace([',', '.'], "")).collect();
    let params = CountVectorizerParams::tutorial();
    let (cv, x) = fit(&docs, params);
    let x = x.unwrap();
    let shape: Vec<usize> = vec_of(&fx["shape"], "shape");
    assert_eq!(x.shape(), (shape[0], shape[1]), "shape");
    let terms: Vec<String> = vec_of(&fx["vocabulary"], "vocabulary");
    assert_seq_eq("vocabulary", cv.vocabulary().unwrap().terms(), &terms);
    let indptr: Vec<usize> = vec_of(&fx["indptr"], "indptr");
    let indices: Vec<u32> = vec_of(&fx["indices"], "indices");
    assert_seq_eq("indptr", x.indptr(), &indptr);
    assert_seq_eq("indices", x.indices(), &indices);
    assert_bits_eq("counts", x.data(), &vec_of::<f64>(&fx["counts"], "counts"));

    let mut tfidf = TfidfTransformer::new(TfidfParams::default());
    let y = tfidf.fit_transform(&x).unwrap();
    assert_bits_eq("idf", tfidf.idf().unwrap(), &vec_of::<f64>(&fx["idf"], "idf"));
    assert_seq_eq("tfidf indices", y.indices(), &indices);
    assert_bits_eq("tfidf", y.data(), &vec_of::<f64>(&fx["tfidf"], "tfidf"));
}

#[test]
fn word_char_table_matches_python_isalnum() {
    let fx = load("text/unicode_tables.json");
    let mut checked = 0;
    for sample in fx["word_char_samples"].as_array().unwrap() {
        let start = sample["start"].as_u64().unwrap() as u32;
        for (k, bit) in sample["bits"].as_str().unwrap().bytes().enumerate() {
            let cp = start + k as u32;
            let Some(c) = char::from_u32(cp) else { continue };
            assert_eq!(is_python_word_char(c), bit == b'1', "U+{cp:04X} {c:?}");
            checked += 1;
        }
    }
    assert!(checked > 5_000, "only {checked} code points checked");
}

#[test]
fn lower_table_matches_python_for_every_changed_code_point() {
    let fx = load("text/unicode_tables.json");
    let pairs = fx["lower"].as_array().unwrap();
    assert!(pairs.len() > 1_000);
    for pair in pairs {
        let cp = pair[0].as_u64().unwrap() as u32;
        let c = char::from_u32(cp).unwrap();
        assert_eq!(python_lower(&c.to_string()), pair[1].as_str().unwrap(), "U+{cp:04X}");
    }
    for pair in fx["final_sigma"].as_array().unwrap() {
        let (s, want) = (pair[0].as_str().unwrap(), pair[1].as_str().unwrap());
        assert_eq!(python_lower(s), want, "final sigma in {s:?}");
    }
}
