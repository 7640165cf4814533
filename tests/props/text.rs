//! Invariants of `cinegenre::text` on random documents drawn from tricky characters.

use cinegenre::text::{
    CountVectorizer, CountVectorizerParams, TfidfParams, TfidfTransformer, is_python_word_char, python_lower,
    tokenize,
};
use proptest::prelude::*;

use crate::common::tolerance::F64_ROUNDING;

/// Characters that exercise every tokenizer/lowercasing pitfall, plus plain separators.
const POOL: &[char] = &[
    'a', 'b', 'c', 'A', 'B', 'Z', '0', '7', '_', ' ', ' ', '\'', '.', ',', '\n', 'Σ', 'σ', 'İ', 'ı', 'ß',
    '\u{308}', '²', '½', '‿', '＿', 'ǅ', 'Ⅻ', '\u{a0}', '\u{200d}', '漢', '😀', 'Д', 'é',
];

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(POOL), 0..40).prop_map(|cs| cs.into_iter().collect())
}

fn docs() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(doc(), 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn tokens_are_word_runs_of_two_or_more(d in doc()) {
        let lower = python_lower(&d);
        for t in tokenize(&lower) {
            prop_assert!(t.chars().count() >= 2, "short token {t:?}");
            prop_assert!(t.chars().all(is_python_word_char), "non-word char in {t:?}");
        }
    }

    #[test]
    fn row_sums_count_in_vocabulary_tokens(ds in docs()) {
        let mut cv = CountVectorizer::new(CountVectorizerParams::default());
        let Ok(x) = cv.fit_transform(&ds) else { return Ok(()) };
        let vocab = cv.vocabulary().unwrap();
        for (i, d) in ds.iter().enumerate() {
            let lower = python_lower(d);
            let want = tokenize(&lower).into_iter().filter(|t| vocab.get(t).is_some()).count();
            let got: f64 = x.row(i).1.iter().sum();
            prop_assert_eq!(got, want as f64, "doc {}", i);
        }
    }

    #[test]
    fn tfidf_rows_have_unit_l2_norm(ds in docs()) {
        let Ok(x) = CountVectorizer::new(CountVectorizerParams::default()).fit_transform(&ds) else { return Ok(()) };
        let y = TfidfTransformer::new(TfidfParams::default()).fit_transform(&x).unwrap();
        prop_assert!(y.has_sorted_indices());
        for (i, (_, vals)) in y.rows().enumerate() {
            if vals.is_empty() { continue; }
            let norm = vals.iter().map(|v| v * v).sum::<f64>().sqrt();
            prop_assert!((norm - 1.0).abs() <= F64_ROUNDING, "row {} norm {}", i, norm);
        }
    }

    #[test]
    fn fit_transform_is_deterministic_across_thread_counts(
        ds in prop::collection::vec(doc(), 1..200)
    ) {
        // Enough documents that 1 and 3 threads split them into different chunk counts.
        let run = || CountVectorizer::new(CountVectorizerParams::default()).fit_transform(&ds).ok();
        let default = run();
        let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(run);
        let three = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap().install(run);
        prop_assert_eq!(&default, &single);
        prop_assert_eq!(&default, &three);
    }

    #[test]
    fn transform_of_fit_docs_equals_fit_transform(ds in docs()) {
        let mut cv = CountVectorizer::new(CountVectorizerParams::default());
        let Ok(x) = cv.fit_transform(&ds) else { return Ok(()) };
        prop_assert_eq!(cv.transform(&ds).unwrap(), x);
    }
}
