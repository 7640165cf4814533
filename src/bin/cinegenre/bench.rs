//! `cinegenre bench`: time kernels and models on this machine, beside the Python stack.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cinegenre::backend::{Backend, Device, Par};
use cinegenre::vgg::network::Precision;
use cinegenre::{Result, bench};

use crate::common::{Context, DeviceArg, describe_backend, in_range, say};

/// Time kernels and models on this machine's backends; without a subcommand, the whole suite
/// on CPU scalar, CPU SIMD and GPU beside scikit-learn/numpy/PyTorch.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre bench --quick                       # the suite, small sizes\n  \
                        cinegenre bench gemm --sizes 512,1024 --every-device"
)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    #[command(flatten)]
    pub suite: BenchSuiteArgs,
}

/// The suite's options.
#[derive(Args)]
pub struct BenchSuiteArgs {
    /// Smaller sizes for a fast look.
    #[arg(long)]
    pub quick: bool,
    /// Python with the pinned reference packages (scikit-learn, numpy, PyTorch); `none` skips it.
    #[arg(long, default_value = "python3")]
    pub python: String,
    /// Output folder for bench.json and bench.md.
    #[arg(long, default_value = "bench")]
    pub out: PathBuf,
}

/// One kernel or model, timed alone.
#[derive(Subcommand)]
pub enum BenchCommand {
    Gemm(BenchGemmArgs),
    Mlp(BenchMlpArgs),
    Vgg(BenchVggArgs),
}

impl BenchArgs {
    pub fn run(self, context: &Context) -> Result<()> {
        match self.command {
            None => suite(&self.suite, context),
            Some(BenchCommand::Gemm(a)) => a.run(),
            Some(BenchCommand::Mlp(a)) => a.run(),
            Some(BenchCommand::Vgg(a)) => a.run(),
        }
    }
}

/// Which backends a timing command times: the one `--device` names (for the CPU with `cpu_levels`:
/// the scalar reference, SIMD on one thread and on all), or with `--every-device` every one this
/// machine has.
#[derive(Args)]
pub struct TimedDevices {
    #[command(flatten)]
    pub device: DeviceArg,
    /// Time every device this machine has (CPU and, when an adapter exists, GPU).
    #[arg(long, conflicts_with = "device")]
    pub every_device: bool,
}

impl TimedDevices {
    fn backends(&self, cpu_levels: bool) -> Result<Vec<Backend>> {
        let devices = if self.every_device {
            let mut all = vec![Device::Cpu];
            match Backend::gpu() {
                Ok(_) => all.push(Device::Gpu),
                Err(e) => cinegenre::progress::note(&format!("no GPU figures: {e}")),
            }
            all
        } else {
            vec![Device::resolve(self.device.device)?]
        };
        let mut backends = Vec::new();
        for device in devices {
            match Backend::for_device(device)? {
                Backend::Cpu { simd, .. } if cpu_levels => backends.extend([
                    Backend::Scalar,
                    Backend::Cpu { simd, par: Par::Seq },
                    Backend::Cpu { simd, par: Par::Rayon },
                ]),
                backend => backends.push(backend),
            }
        }
        for backend in &backends {
            cinegenre::progress::note(&format!("backend {}", describe_backend(backend)));
        }
        Ok(backends)
    }
}

/// Square SGEMM GFLOP/s per size for the scalar reference, SIMD (1 thread and all) and GPU.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre bench gemm --sizes 512,1024,2048 --precision f32,bf16-amx"
)]
pub struct BenchGemmArgs {
    /// Matrix sizes (n for n×n×n, each 1 to 16384).
    #[arg(long, value_delimiter = ',', default_values_t = [512usize, 1024, 2048], value_parser = in_range(1usize, 16384))]
    pub sizes: Vec<usize>,
    #[command(flatten)]
    pub devices: TimedDevices,
    /// Timed repetitions per size (best is reported; 1 to 1,000).
    #[arg(long, default_value_t = 3, value_parser = in_range(1usize, 1_000))]
    pub reps: usize,
    /// Storage of B (the weights): f32, f16 or bf16 (half: f32 accumulation), bf16-dot (both
    /// operands bf16, AVX512-BF16 pairs), bf16-amx (AMX tiles) or bf16-amx-stored (AMX tiles,
    /// A and B stored as bf16, as PyTorch's bf16 matmul takes them), comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "f32", alias = "dtype")]
    pub precision: Vec<cinegenre::bench::Dtype>,
    /// Also time each unit's register-only ceiling on one core (f32 FMA, AVX512-BF16 pairs, AMX
    /// tiles: what "% of peak" is measured against) and print it after the sizes.
    #[arg(long)]
    pub peaks: bool,
}

impl BenchGemmArgs {
    fn run(self) -> Result<()> {
        use cinegenre::bench::Dtype;
        let backends = self.devices.backends(true)?;
        say!("backend,size,seconds,gflops");
        for &size in &self.sizes {
            for backend in &backends {
                // The scalar reference is O(n³) with no blocking: only small sizes are worth timing.
                if matches!(backend, Backend::Scalar) && size > 512 {
                    continue;
                }
                let reps = if matches!(backend, Backend::Scalar) { 0 } else { self.reps };
                for &dtype in &self.precision {
                    if matches!(dtype, Dtype::Bf16Amx | Dtype::Bf16AmxStored)
                        && !matches!(backend, Backend::Cpu { .. })
                    {
                        continue; // AMX is a CPU unit: only the SIMD backends have it.
                    }
                    let t = bench::gemm_square_dtype(backend, size, reps, dtype)?;
                    say!("{},{},{:.6},{:.2}", t.backend, t.size, t.seconds, t.gflops);
                }
            }
        }
        if self.peaks {
            for peak in bench::peak::peaks(self.reps) {
                say!("peak {}: {:.1} GFLOP/s on one core", peak.unit, peak.gflops);
            }
        }
        Ok(())
    }
}

/// Seconds per training epoch of an MLP on random data (default: the tutorial poster model).
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre bench mlp --sizes 300,300,20 --rows 8000 --batch 500 --device gpu"
)]
pub struct BenchMlpArgs {
    /// Layer sizes, input to output (each 1 to 65536).
    #[arg(long, value_delimiter = ',', default_values_t = [25088usize, 1024, 256, 20], value_parser = in_range(1usize, 65536))]
    pub sizes: Vec<usize>,
    /// Rows of random training data (1 to 10⁷).
    #[arg(long, default_value_t = 1300, value_parser = in_range(1usize, 10_000_000))]
    pub rows: usize,
    /// Rows per batch (1 to 2²⁰).
    #[arg(long, default_value_t = 64, value_parser = in_range(1usize, 1 << 20))]
    pub batch: usize,
    #[command(flatten)]
    pub device: DeviceArg,
}

impl BenchMlpArgs {
    fn run(self) -> Result<()> {
        let backend = self.device.backend()?;
        let seconds = bench::mlp_epoch(&backend, &self.sizes, self.rows, self.batch)?;
        let sizes: Vec<String> = self.sizes.iter().map(|s| s.to_string()).collect();
        say!(
            "mlp {} rows {} batch {} on {}: {seconds:.3} s/epoch",
            sizes.join("→"),
            self.rows,
            self.batch,
            describe_backend(&backend)
        );
        Ok(())
    }
}

/// VGG forward pass: images/s and GFLOP/s (random weights) at each batch size, per device.
#[derive(Args)]
#[command(
    allow_negative_numbers = true,
    after_help = "Example:\n  cinegenre bench vgg --batch 1,8 --layers --precision f32,bf16"
)]
pub struct BenchVggArgs {
    /// Batch sizes (images per forward pass, each 1 to 256).
    #[arg(long, value_delimiter = ',', default_values_t = [1usize, 8], value_parser = in_range(1usize, 256))]
    pub batch: Vec<usize>,
    #[command(flatten)]
    pub devices: TimedDevices,
    /// VGG depth: 11, 13, 16 or 19.
    #[arg(long, default_value_t = 16)]
    pub depth: usize,
    /// Image edge in pixels (a multiple of 32 from 32 to 1024).
    #[arg(long, default_value_t = 224, alias = "size", value_parser = in_range(32usize, 1024))]
    pub image_size: usize,
    /// Timed repetitions (best is reported; 1 to 1,000).
    #[arg(long, default_value_t = 3, value_parser = in_range(1usize, 1_000))]
    pub reps: usize,
    /// Also print the CPU time and GFLOP/s of each conv layer (batch 1), in each precision.
    #[arg(long)]
    pub layers: bool,
    /// Also print ‖gpu − cpu‖/‖cpu‖ of the output on one image (needs a GPU).
    #[arg(long)]
    pub check: bool,
    /// Arithmetic of the convolutions, comma-separated: f32, and bf16 (CPU with Intel AMX or
    /// AVX512-BF16: activations and weights rounded to bf16, f32 sums).
    #[arg(long, value_delimiter = ',', default_values_t = [Precision::F32])]
    pub precision: Vec<Precision>,
}

impl BenchVggArgs {
    fn run(self) -> Result<()> {
        if !self.image_size.is_multiple_of(32) {
            let why = format!("{} is not a multiple of 32", self.image_size);
            return Err(cinegenre::Error::param("--image-size", why));
        }
        let arch = cinegenre::vgg::Architecture::vgg(self.depth)?;
        let hw = (self.image_size, self.image_size);
        let backends = self.devices.backends(false)?;
        let gflop = 2.0 * arch.macs(hw) as f64 / 1e9;
        cinegenre::progress::note(&format!(
            "{} at {}×{}: {gflop:.2} GFLOP per image",
            arch.name, self.image_size, self.image_size
        ));
        say!("backend,batch,seconds,images_per_s,gflops");
        for backend in &backends {
            for &precision in &self.precision {
                if precision == Precision::Bf16 && backend.is_gpu() {
                    continue; // bf16 is the CPU's AMX path.
                }
                for &batch in &self.batch {
                    let t = bench::vgg_forward(backend, &arch, batch, hw, self.reps, precision)?;
                    say!(
                        "{},{},{:.4},{:.3},{:.1}",
                        t.backend,
                        t.batch,
                        t.seconds,
                        t.images_per_second,
                        t.gflops
                    );
                }
            }
            if self.layers && !backend.is_gpu() {
                say!("layer,precision,seconds,gflops");
                for &precision in &self.precision {
                    for (name, seconds, gflops) in
                        bench::vgg_layers_in(backend, &arch, hw, self.reps, precision)?
                    {
                        say!("{name},{precision},{seconds:.5},{gflops:.1}");
                    }
                }
            }
        }
        if self.check {
            let err = bench::vgg_agreement(&Backend::cpu()?, &Backend::gpu()?, &arch, 1, hw)?;
            say!("gpu vs cpu relative error on one image: {err:.3e}");
        }
        Ok(())
    }
}

fn suite(a: &BenchSuiteArgs, context: &Context) -> Result<()> {
    use cinegenre::bench::{suite, table};
    let script = ["tools/bench_suite.py", concat!(env!("CARGO_MANIFEST_DIR"), "/tools/bench_suite.py")]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| "tools/bench_suite.py".into());
    let config = suite::SuiteConfig {
        quick: a.quick,
        python: Some(a.python.clone()).filter(|p| p != "none"),
        out: a.out.clone(),
        script,
    };
    cinegenre::progress::note(&format!(
        "timing every stage{} (best of a few runs)…",
        if a.quick { " (quick sizes)" } else { "" }
    ));
    let report = context.step("suite", || suite::run_suite(&config))?;
    if let Some(why) = report.python_failure() {
        cinegenre::progress::note(&format!(
            "note: skipped the Python side (scikit-learn, numpy, scipy, PyTorch: the comparison columns are \
             empty): `{} tools/bench_suite.py` failed ({why}); make the pinned environment with \
             `tools/make_venv.sh` and pass `--python .venv-fixtures/bin/python`, or `--python none` to time \
             cinegenre alone",
            a.python
        ));
    }
    context.step("write", || table::write(&report, &a.out))?;
    say!("{}", table::markdown(&report).trim_end());
    say!("\nwrote {0}/bench.json and {0}/bench.md", a.out.display());
    Ok(())
}
