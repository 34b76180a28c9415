fn main() -> std::process::ExitCode {
    tenderlint::cli::run()
}
