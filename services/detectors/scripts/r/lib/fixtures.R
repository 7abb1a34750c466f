# Shared helpers for the fixture scripts: the series every detector is run on, the
# translation of Tocsin parameters (name=value strings) into R control lists, and the
# JSON writer. Scripts first change to scripts/r/, then source this file.
suppressPackageStartupMessages({
  library(surveillance)
  library(jsonlite)
})

fixture_dir <- normalizePath(file.path("..", "..", "test", "fixtures", "r"), mustWork = TRUE)

# A series: counts, optional ISO dates (dated series are built with epochAsDate = TRUE), freq.
make_series <- function(name, counts, dates = NULL, freq = 52, source) {
  list(name = name, counts = as.integer(counts), dates = dates, freq = freq, source = source)
}

sum_units <- function(sts) as.integer(rowSums(observed(sts)))

fixture_series <- function() {
  series <- list()
  # Synthetic, deterministic: seasonal Poisson with an outbreak, undated.
  set.seed(20261128)
  t <- 1:260
  mu <- exp(1.5 + 0.6 * cos(2 * pi * t / 52) + 0.3 * sin(2 * pi * t / 52))
  y <- rpois(length(t), mu)
  y[230:234] <- y[230:234] + c(5L, 10L, 15L, 10L, 5L)
  series$synth_seasonal <- make_series("synth_seasonal", y, source = "rpois, set.seed(20261128), outbreak at 230:234")
  # Synthetic overdispersed series with dates (weekly, Mondays from 2015-01-05).
  set.seed(42)
  t <- 1:300
  y <- rnbinom(length(t), size = 3, mu = exp(2 + 0.5 * sin(2 * pi * t / 52)))
  y[280:283] <- y[280:283] + c(8L, 16L, 20L, 12L)
  dates <- format(as.Date("2015-01-05") + 7 * (t - 1))
  series$synth_nb_dated <- make_series("synth_nb_dated", y, dates, source = "rnbinom(size=3), set.seed(42), outbreak at 280:283")
  # Sparse counts, undated.
  set.seed(7)
  series$synth_sparse <- make_series("synth_sparse", rpois(200, 0.4), source = "rpois(200, 0.4), set.seed(7)")
  # All zeros.
  series$all_zeros <- make_series("all_zeros", rep(0L, 120), source = "rep(0, 120)")
  # Datasets bundled with surveillance.
  data("salmonella.agona", package = "surveillance", envir = environment())
  series$salmonella_agona <- make_series("salmonella_agona", salmonella.agona$observed, source = "surveillance::salmonella.agona")
  data("shadar", package = "surveillance", envir = environment())
  series$shadar <- make_series("shadar", shadar$observed, source = "surveillance::shadar")
  data("ha.sts", package = "surveillance", envir = environment())
  series$ha_total <- make_series("ha_total", sum_units(ha.sts), source = "surveillance::ha.sts, summed over districts")
  data("measlesDE", package = "surveillance", envir = environment())
  series$measles_total <- make_series("measles_total", sum_units(measlesDE), source = "surveillance::measlesDE, summed over states")
  data("stsNewport", package = "surveillance", envir = environment())
  series$newport <- make_series("newport", observed(stsNewport)[, 1], format(epoch(stsNewport)), source = "surveillance::stsNewport (dated)")
  data("salmNewport", package = "surveillance", envir = environment())
  series$salm_newport_total <- make_series("salm_newport_total", sum_units(salmNewport), format(epoch(salmNewport)),
    source = "surveillance::salmNewport, summed over states (dated)")
  series
}

as_sts <- function(s) {
  if (is.null(s$dates)) {
    sts(observed = matrix(s$counts, ncol = 1), frequency = s$freq)
  } else {
    sts(observed = matrix(s$counts, ncol = 1), epoch = as.Date(s$dates), frequency = s$freq, epochAsDate = TRUE)
  }
}

# Tocsin parameter strings -> R control list ("a:b" ranges, numbers, booleans, dotted
# names such as mu0.S become nested lists).
control_from_params <- function(params) {
  control <- list()
  for (name in names(params)) {
    raw <- params[[name]]
    value <- if (name == "range") {
      bounds <- as.integer(strsplit(raw, ":", fixed = TRUE)[[1]])
      bounds[1]:bounds[2]
    } else if (raw %in% c("true", "false")) {
      raw == "true"
    } else if (!is.na(suppressWarnings(as.numeric(raw)))) {
      as.numeric(raw)
    } else {
      raw
    }
    parts <- strsplit(name, ".", fixed = TRUE)[[1]]
    if (length(parts) == 2 && !(name %in% c("c.ARL"))) {
      if (is.null(control[[parts[1]]])) control[[parts[1]]] <- list()
      control[[parts[1]]][[parts[2]]] <- value
    } else {
      control[[name]] <- value
    }
  }
  control
}

# rows: data.frame with t, expected, upperbound, alarm, score (NA where R gives none).
write_fixture <- function(detector, case, series, params, rows, note = NULL) {
  num <- function(v) if (is.null(v)) NULL else ifelse(is.finite(v), v, NA)
  fixture <- list(
    detector = detector,
    case = case,
    r = list(version = R.version.string, surveillance = as.character(packageVersion("surveillance")), note = note),
    params = params,
    series = list(name = series$name, source = series$source, freq = series$freq, counts = series$counts, dates = series$dates),
    rows = list(
      t = rows$t,
      expected = num(rows$expected),
      upperbound = num(rows$upperbound),
      alarm = as.logical(rows$alarm),
      score = num(rows$score)
    )
  )
  path <- file.path(fixture_dir, sprintf("%s--%s.json", detector, case))
  write_json(fixture, path, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE)
  cat(sprintf("  wrote %s\n", basename(path)))
}

# Full-length rows (1..n) from an sts result restricted to control$range.
rows_from_range <- function(n, range, upperbound, alarm, expected = NULL, score = NULL) {
  full <- function(v) { out <- rep(NA_real_, n); if (!is.null(v)) out[range] <- as.numeric(v); out }
  alarm_full <- rep(FALSE, n)
  alarm_full[range] <- as.logical(alarm)
  data.frame(t = 1:n, expected = full(expected), upperbound = full(upperbound), alarm = alarm_full, score = full(score))
}
