//! The longer commands, each a call into the library plus what it prints.

use cinegenre::backend::{Backend, Device};
use cinegenre::cluster;
use cinegenre::dataset::{self, Bundled, GenreMap};
use cinegenre::labels::{self, LabelFile};
use cinegenre::text::{self, Cleaning};
use cinegenre::vgg::network::Precision;
use cinegenre::{Result, embed, io, metrics, tmdb};

use crate::Timer;
use crate::args::*;
use crate::args_tools::*;

pub fn fetch_tmdb(a: FetchTmdbArgs) -> Result<()> {
    let duration = |flag: &str, value: &str| {
        tmdb::parse_duration(value)
            .ok_or_else(|| cinegenre::Error::param(flag, format!("`{value}` is not a duration (30s, 500ms)")))
    };
    let poster_size = match a.posters.as_str() {
        "none" => None,
        size if tmdb::POSTER_SIZES.contains(&size) => Some(size.to_string()),
        other => {
            let sizes = tmdb::POSTER_SIZES.join(", ");
            return Err(cinegenre::Error::param(
                "--posters",
                format!("`{other}` is not one of {sizes}, none"),
            ));
        }
    };
    let years = a.years.as_deref().map(tmdb::parse_years).transpose()?;
    let credentials = tmdb::Credentials::resolve(a.api_key, a.bearer_token)?;
    let config = tmdb::ClientConfig {
        rate: a.rate,
        retry: tmdb::RetryPolicy {
            max_attempts: a.attempts.max(1),
            base_delay: duration("--backoff", &a.backoff)?,
            ..tmdb::RetryPolicy::default()
        },
        timeout: duration("--timeout", &a.timeout)?,
        ..tmdb::ClientConfig::default()
    }
    .with_bases(a.api_base, a.image_base);
    let cache = tmdb::Cache::open(&a.out.join("cache"))?;
    let client = tmdb::Client::new(config, credentials, Some(cache))?;
    let plan = tmdb::FetchPlan {
        out_dir: a.out.clone(),
        pages: a.pages,
        genres: a.genres,
        years,
        poster_size,
        max_movies: a.max_movies,
        threads: a.threads,
        quiet: a.quiet,
    };
    let summary = tmdb::fetch_dataset(&plan, &client)?;
    println!("{summary}");
    println!("wrote movies.jsonl and summary.json to {}", a.out.display());
    Ok(())
}

pub fn cooccur_command(a: &CooccurArgs) -> Result<()> {
    let (movies, source) = match &a.data {
        Some(path) => (dataset::load_prepared(std::slice::from_ref(path))?.0, path.display().to_string()),
        None => (dataset::load_bundled_file(cluster::TOP_MOVIES_FILE)?, "the top-1000 popular movies".into()),
    };
    let map = match &a.genres {
        Some(path) => GenreMap::from_json_file(path)?,
        None => GenreMap::tmdb_2017(),
    };
    let c = cluster::cooccurrence(&movies, a.genres.as_ref().map(|_| map.ids()));
    cluster::write_cooccurrence(&a.out, &c, &map)?;
    let g = c.ids.len();
    println!(
        "wrote a {g}×{g} genre co-occurrence matrix of {} movies from {source} to {}",
        movies.len(),
        a.out.display()
    );
    if c.unknown > 0 {
        eprintln!("warning: {} genre ids are not in the genre map and were ignored", c.unknown);
    }
    Ok(())
}

pub fn cocluster_command(a: &CoclusterArgs, timer: &Timer) -> Result<()> {
    let x = timer.step("read", || cluster::read_matrix(&a.x))?;
    let (m, n) = x.input().shape();
    let sidecar = labels::sidecar_path(&a.x);
    let names_path = a.names.clone().or_else(|| sidecar.exists().then_some(sidecar));
    let names = match &names_path {
        Some(path) => Some(cluster::read_names(path, (m, n))?),
        None => None,
    };
    let mut params = cluster::CoclusterParams::new(a.clusters, a.seed);
    params.n_init = a.n_init;
    if a.lanczos {
        params.svd_method = cluster::SvdMethod::Lanczos;
    }
    let fit = timer
        .step("cocluster", || cluster::cocluster(x.input(), &params).map_err(|e| e.for_inputs(&[&a.x])))?;
    let named = names.as_deref().map(|v| (v, v));
    timer.step("write", || {
        cluster::LabelsJson::new(&fit, a.clusters, named).write(&a.out)?;
        match &a.heatmap {
            Some(path) => {
                let title = format!("{} ({m} x {n}), {} biclusters", a.x.display(), a.clusters);
                let spec = cluster::heatmap::HeatmapSpec {
                    title: &title,
                    row_names: names.as_deref(),
                    column_names: names.as_deref(),
                };
                cluster::heatmap::write_heatmap(path, x.input(), &fit, &spec)
            }
            None => Ok(()),
        }
    })?;
    println!("co-clustered a {m}×{n} matrix into {} biclusters → {}", a.clusters, a.out.display());
    if let Some(names) = &names {
        for c in 0..a.clusters {
            let group: Vec<&str> =
                fit.row_labels.iter().zip(names).filter(|&(&l, _)| l == c).map(|(_, s)| s.as_str()).collect();
            println!("  bicluster {c}: {}", group.join(", "));
        }
    }
    Ok(())
}

pub fn cleaning(c: CleanArg) -> Cleaning {
    match c {
        CleanArg::Tutorial => Cleaning::Tutorial,
        CleanArg::None => Cleaning::None,
    }
}

pub fn embed_command(a: EmbedArgs, timer: &Timer) -> Result<()> {
    let docs = timer.step("read", || text::read_documents(&a.input, &a.column, cleaning(a.clean)))?;
    let options = embed::EmbedOptions { format: a.file.format.map(Into::into), utf8_errors: a.file.utf8() };
    let (means, report) = timer.step("embed", || embed::embed_documents(&docs, &a.file.vectors, &options))?;
    timer.step("write", || {
        embed::write_means(&a.out, &means)?;
        match &a.kept {
            Some(kept) => embed::write_kept(kept, &means, docs.len()),
            None => Ok(()),
        }
    })?;
    println!(
        "read {} word-vector records; wrote {}×{} mean vectors to {}",
        report.records,
        means.kept.len(),
        means.dim,
        a.out.display()
    );
    if !means.dropped.is_empty() {
        let only_stop = means.dropped.iter().filter(|d| d.1 == embed::DropReason::OnlyStopWords).count();
        eprintln!(
            "dropped {} of {} documents: {} with only stop words, {} with no word in the vectors",
            means.dropped.len(),
            docs.len(),
            only_stop,
            means.dropped.len() - only_stop
        );
    }
    Ok(())
}

pub fn vectors_command(c: VectorsCommand, timer: &Timer) -> Result<()> {
    match c {
        VectorsCommand::Train(a) => {
            let docs = timer.step("read", || match &a.input {
                Some(path) => text::read_documents(path, &a.column, Cleaning::None),
                None => Ok(dataset::load_bundled(Bundled::All)?.0.into_iter().map(|m| m.overview).collect()),
            })?;
            let params = embed::SkipGramParams {
                dim: a.dim,
                window: a.window,
                negative: a.negative,
                epochs: a.epochs,
                min_count: a.min_count,
                sample: a.sample,
                seed: a.seed,
                threads: a.threads,
                ..embed::SkipGramParams::default()
            };
            let (vectors, report) = timer.step("train", || embed::train_skipgram(&docs, &params, true))?;
            let format = embed::Format::from_path(&a.out).unwrap_or(embed::Format::Binary);
            timer.step("write", || embed::write_vectors(&a.out, &vectors, format))?;
            println!(
                "trained {} words × {} dims on {} documents: {} raw words ({} after sub-sampling) in {:.2} s, \
                 {:.0} words/s; wrote {}",
                report.vocabulary,
                vectors.dim(),
                docs.len(),
                report.raw_words,
                report.effective_words,
                report.seconds,
                report.words_per_second(),
                a.out.display()
            );
        }
        VectorsCommand::Neighbors(a) => {
            let options = embed::ReadOptions { utf8_errors: a.file.utf8(), ..Default::default() };
            let (vectors, _) = timer.step("read", || {
                embed::read_vectors(&a.file.vectors, a.file.format.map(Into::into), &options)
            })?;
            for (word, sim) in embed::nearest(&vectors, &a.word, a.k)? {
                println!("{word}\t{sim:.4}");
            }
        }
        VectorsCommand::Convert(a) => {
            let needed = match &a.vocab_from {
                Some(path) => {
                    Some(embed::needed_words(&text::read_documents(path, &a.column, Cleaning::None)?))
                }
                None => None,
            };
            let options = embed::ReadOptions {
                keep: needed.as_ref(),
                utf8_errors: a.file.utf8(),
                ..Default::default()
            };
            let (vectors, report) = timer.step("read", || {
                embed::read_vectors(&a.file.vectors, a.file.format.map(Into::into), &options)
            })?;
            let format = a
                .out_format
                .map(Into::into)
                .or_else(|| embed::Format::from_path(&a.out))
                .unwrap_or(embed::Format::Binary);
            timer.step("write", || embed::write_vectors(&a.out, &vectors, format))?;
            println!(
                "read {} records ({} repeated), wrote {} words × {} dims to {}",
                report.records,
                report.duplicates,
                vectors.len(),
                vectors.dim(),
                a.out.display()
            );
        }
    }
    Ok(())
}

pub fn describe_backend(backend: &Backend) -> String {
    match backend {
        Backend::Gpu(ctx) => format!("gpu: {}", ctx.report),
        other => other.name(),
    }
}

pub fn is_mlp(model: &std::path::Path) -> bool {
    cinegenre::model_file::ModelFile::load_any(model).is_ok_and(|f| f.kind() == cinegenre::mlp::MLP_KIND)
}

pub fn train_mlp(a: &TrainMlpArgs, timer: &Timer) -> Result<()> {
    use cinegenre::kernels::Activation;
    use cinegenre::mlp::{Mlp, MlpModel, OptimizerKind, Output, TrainParams, file::read_features, fit};
    let ((x, n, d), y) = timer.step("read", || Ok((read_features(&a.x)?, LabelFile::read(&a.y)?)))?;
    if y.labels.n_rows() != n {
        return Err(cinegenre::Error::Shape(format!("X has {n} rows but Y has {}", y.labels.n_rows()))
            .for_inputs(&[&a.x, &a.y]));
    }
    let hidden = match a.activation.as_str() {
        "relu" => Activation::Relu,
        "identity" | "linear" => Activation::Identity,
        other => {
            return Err(cinegenre::Error::param("activation", format!("`{other}` is not relu or identity")));
        }
    };
    let output = match a.output {
        OutputArg::Sigmoid => Output::Sigmoid,
        OutputArg::Softmax => Output::Softmax,
    };
    let mut sizes = vec![d];
    sizes.extend(&a.layers);
    sizes.push(y.labels.n_cols());
    let model = Mlp::new(&sizes, hidden, output, a.seed)?;
    let params = TrainParams {
        epochs: a.epochs,
        batch: a.batch,
        shuffle: !a.no_shuffle,
        seed: a.seed,
        optimizer: OptimizerKind::from_name(&a.optimizer, a.lr, a.decay)?,
        validation_split: a.validation_split,
        patience: a.patience,
        quiet: false,
    };
    let backend = Backend::for_device(Device::resolve(a.device)?)?;
    let t: Vec<f32> = y.labels.as_slice().iter().map(|&v| f32::from(v)).collect();
    let (mlp, history) = timer.step("fit", || fit(&backend, model, &x, &t, &params))?;
    timer.step("write", || MlpModel { mlp, labels: y.names.clone() }.save(&a.model))?;
    let last = history
        .epochs
        .last()
        .map(cinegenre::mlp::train::describe)
        .unwrap_or_else(|| "initial weights".into());
    println!(
        "trained an MLP {sizes:?} on {n} rows for {} epochs on {}: {last} → {}",
        history.epochs.len(),
        describe_backend(&backend),
        a.model.display()
    );
    Ok(())
}

pub fn predict_mlp(a: &PredictArgs, timer: &Timer) -> Result<()> {
    use cinegenre::mlp::{MlpModel, file::read_features};
    let (model, (x, n, d)) = timer.step("read", || Ok((MlpModel::load(&a.model)?, read_features(&a.x)?)))?;
    if d != model.mlp.n_inputs() {
        return Err(cinegenre::Error::Shape(format!(
            "X has {d} feature columns but the model takes {}",
            model.mlp.n_inputs()
        ))
        .for_inputs(&[&a.model, &a.x]));
    }
    let backend = Backend::for_device(Device::resolve(a.device)?)?;
    let k = model.labels.len();
    let p = timer.step("predict", || model.mlp.predict_proba(&backend, &x, n))?;
    let scores: Vec<f64> = p.iter().map(|&v| f64::from(v)).collect();
    timer.step("write", || {
        if a.proba {
            io::write_npy(&a.out, &[n, k], &scores)
        } else if let Some(top) = a.top_k {
            io::write_npy(&a.out, &[n, k], &metrics::top_k_indicator(&scores, k, top)?)
        } else {
            let hits: Vec<u8> = scores.iter().map(|&s| u8::from(s > 0.5)).collect();
            io::write_npy(&a.out, &[n, k], &hits)
        }
    })?;
    println!("wrote {n}×{k} {} to {}", if a.proba { "scores" } else { "predictions" }, a.out.display());
    Ok(())
}

pub fn bench_gemm(a: &BenchGemmArgs) -> Result<()> {
    use cinegenre::backend::Par;
    let simd = cinegenre::simd::SimdLevel::get()?;
    let mut backends = Vec::new();
    if a.device != Device::Gpu {
        backends.extend([
            Backend::Scalar,
            Backend::Cpu { simd, par: Par::Seq },
            Backend::Cpu { simd, par: Par::Rayon },
        ]);
    }
    if a.device != Device::Cpu {
        match Backend::gpu() {
            Ok(gpu) => backends.push(gpu),
            Err(e) if a.device == Device::Gpu => return Err(e),
            Err(e) => eprintln!("no GPU figures: {e}"),
        }
    }
    for backend in &backends {
        eprintln!("backend {}", describe_backend(backend));
    }
    println!("backend,size,seconds,gflops");
    for &size in &a.sizes {
        for backend in &backends {
            // The scalar reference is O(n³) with no blocking: only small sizes are worth timing.
            if matches!(backend, Backend::Scalar) && size > 512 {
                continue;
            }
            let reps = if matches!(backend, Backend::Scalar) { 0 } else { a.reps };
            for &dtype in &a.dtype {
                if dtype == cinegenre::kernels::gemm::half::Dtype::Bf16Amx
                    && !matches!(backend, Backend::Cpu { .. })
                {
                    continue; // AMX is a CPU unit: only the SIMD backends have it.
                }
                let t = cinegenre::bench::gemm_square_dtype(backend, size, reps, dtype)?;
                println!("{},{},{:.6},{:.2}", t.backend, t.size, t.seconds, t.gflops);
            }
        }
    }
    Ok(())
}

pub fn bench_vgg(a: &BenchVggArgs) -> Result<()> {
    let arch = cinegenre::vgg::Architecture::vgg(a.depth)?;
    let hw = (a.size, a.size);
    let mut backends = Vec::new();
    if a.device != Device::Gpu {
        backends.push(Backend::cpu()?);
    }
    if a.device != Device::Cpu {
        match Backend::gpu() {
            Ok(gpu) => backends.push(gpu),
            Err(e) if a.device == Device::Gpu => return Err(e),
            Err(e) => eprintln!("no GPU figures: {e}"),
        }
    }
    let gflop = 2.0 * arch.macs(hw) as f64 / 1e9;
    eprintln!("{} at {}×{}: {gflop:.2} GFLOP per image", arch.name, a.size, a.size);
    println!("backend,batch,seconds,images_per_s,gflops");
    for backend in &backends {
        eprintln!("backend {}", describe_backend(backend));
        for &precision in &a.precision {
            if precision == Precision::Bf16 && backend.is_gpu() {
                continue; // bf16 is the CPU's AMX path.
            }
            for &batch in &a.batch {
                let t = cinegenre::bench::vgg_forward(backend, &arch, batch, hw, a.reps, precision)?;
                println!(
                    "{},{},{:.4},{:.3},{:.1}",
                    t.backend, t.batch, t.seconds, t.images_per_second, t.gflops
                );
            }
        }
        if a.layers && !backend.is_gpu() {
            println!("layer,seconds,gflops");
            for (name, seconds, gflops) in cinegenre::bench::vgg_layers(backend, &arch, hw, a.reps)? {
                println!("{name},{seconds:.5},{gflops:.1}");
            }
        }
    }
    if a.check {
        let err = cinegenre::bench::vgg_agreement(&Backend::cpu()?, &Backend::gpu()?, &arch, 1, hw)?;
        println!("gpu vs cpu relative error on one image: {err:.3e}");
    }
    Ok(())
}

pub fn train_svm(a: TrainSvmArgs, timer: &Timer) -> Result<()> {
    use cinegenre::svm::{GridConfig, SolverKind, SvmModel, SvmParams};
    let (x, y) = timer.step("read", || Ok((io::read_mtx(&a.x)?, LabelFile::read(&a.y)?)))?;
    let base = if a.solver == SolverKind::Dcd { SvmParams::linear_svc() } else { SvmParams::default() };
    let params = SvmParams {
        class_weight: a.class_weight,
        tol: a.tol.unwrap_or(base.tol),
        shrinking: !a.no_shrinking,
        ..base
    };
    let config = GridConfig { grid: a.c, cv: a.cv, params, warm_start: a.warm_start, quiet: a.quiet };
    let (model, search) =
        timer.step("fit", || SvmModel::train(&x, &y, &config).map_err(|e| e.for_inputs(&[&a.x, &a.y])))?;
    timer.step("write", || model.save(&a.model))?;
    if search.lazy_kernel {
        eprintln!(
            "note: {} rows > {}: kernel rows computed on demand with an LRU cache instead of one shared Gram matrix",
            x.n_rows(),
            cinegenre::svm::kernel::GRAM_MAX_ROWS
        );
    }
    println!(
        "{:<18} {:>8} {:>22} {:>9} {:>7} {:>14}",
        "label", "C", "mean CV micro-F1", "iter", "SVs", "dual objective"
    );
    for (name, label) in model.labels.iter().zip(&search.labels) {
        let scores: Vec<String> = label.mean_scores.iter().map(|s| format!("{s:.4}")).collect();
        match (&label.model, label.chosen_c) {
            (cinegenre::ovr::LabelModel::Fitted(svm), Some(c)) => println!(
                "{name:<18} {c:>8} {:>22} {:>9} {:>7} {:>14.6}",
                scores.join("/"),
                svm.info.n_iter,
                svm.info.support.len(),
                svm.info.objective
            ),
            _ => println!("{name:<18} {:>8}", "constant"),
        }
        for warning in &label.warnings {
            eprintln!("warning: {warning}");
        }
    }
    println!(
        "trained a linear SVM ({}) on {} rows × {} features, {} labels, {} fits → {}",
        model.solver,
        x.n_rows(),
        x.n_cols(),
        model.labels.len(),
        search.n_fits,
        a.model.display()
    );
    Ok(())
}

pub fn classify(a: &ClassifyArgs) -> Result<()> {
    let models = cinegenre::classify::RunModels::load(&a.models)?;
    let results = models.classify(&a.title, &a.overview, a.poster.as_deref())?;
    println!("{}", a.title);
    for m in &results {
        let top: Vec<String> = m.top(a.top).iter().map(|(g, s)| format!("{g} {s:.3}")).collect();
        println!("  {:<12} {} ({})", m.model, top.join(", "), m.unit);
        println!(
            "  {:<12} predicts: {}",
            "",
            if m.predicted.is_empty() { "-".into() } else { m.predicted.join(", ") }
        );
    }
    Ok(())
}

pub fn bench_suite(a: &BenchSuiteArgs) -> Result<()> {
    use cinegenre::bench::{suite, table};
    let script = ["tools/bench_suite.py", concat!(env!("CARGO_MANIFEST_DIR"), "/tools/bench_suite.py")]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| "tools/bench_suite.py".into());
    let config = suite::SuiteConfig {
        quick: a.quick,
        python: Some(a.python.clone()).filter(|p| p != "none"),
        out: a.out.clone(),
        script,
    };
    eprintln!("timing every stage{} (best of a few runs)…", if a.quick { " (quick sizes)" } else { "" });
    let report = suite::run_suite(&config)?;
    table::write(&report, &a.out)?;
    print!("{}", table::markdown(&report));
    println!("\nwrote {0}/bench.json and {0}/bench.md", a.out.display());
    Ok(())
}
