# Reference outputs of R's surveillance::algo.farrington and surveillance::farringtonFlexible,
# written as JSON fixtures for services/detectors/test/farrington-r-equivalence.test.ts.
#
# Run through `npm run fixtures:r -w @tocsin/detectors` (scripts/r/generate-fixtures.sh), or
# directly: Rscript services/detectors/scripts/r/farrington.R
# Output: test/fixtures/r/<detector>--<case>.json in the layout of lib/fixtures.R
# (params as Tocsin name=value strings; rows column-wise over the whole series, null
# outside the monitored range) plus two columns the other detectors do not have:
# rows.observed and rows.pValue, and series.population where a case uses one.

local({
  fileArg <- grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE)
  if (length(fileArg) == 0) stop("run this file with Rscript")
  setwd(dirname(normalizePath(sub("^--file=", "", fileArg[1]))))
})
source(file.path("lib", "fixtures.R"))
unlink(list.files(fixture_dir, pattern = "^farrington(-flexible)?--.*\\.json$", full.names = TRUE))

# ---- series -------------------------------------------------------------------------------

shared <- fixture_series()

weeklyDates <- function(first, n) format(seq(as.Date(first), by = "1 week", length.out = n))
monthlyDates <- function(first, n) format(seq(as.Date(first), by = "1 month", length.out = n))

# Deterministic synthetic series: seasonal Poisson counts with a trend and two injected outbreaks.
set.seed(20130301)
nSyn <- 7 * 52 + 20
tSyn <- seq_len(nSyn)
muSyn <- exp(1.6 + 0.0015 * tSyn + 0.6 * sin(2 * pi * tSyn / 52) + 0.3 * cos(2 * pi * tSyn / 52))
synWeekly <- rpois(nSyn, muSyn)
synWeekly[c(300, 301, 302)] <- synWeekly[c(300, 301, 302)] + c(12, 20, 9)
synWeekly[c(350, 351)] <- synWeekly[c(350, 351)] + c(15, 25)

nMon <- 12 * 9
tMon <- seq_len(nMon)
synMonthly <- rpois(nMon, exp(3 + 0.4 * sin(2 * pi * tMon / 12)))
synMonthly[100] <- synMonthly[100] + 40

popSyn <- round(100000 * (1 + 0.002 * tSyn))
synPop <- rpois(nSyn, popSyn / 100000 * muSyn)

series <- list(
  salmonellaAgona = shared$salmonella_agona,
  shadar = shared$shadar,
  newport = shared$newport,
  measlesTotal = shared$measles_total,
  nbDated = shared$synth_nb_dated,
  syntheticWeeklyDated = make_series("synth_trend_dated", synWeekly, weeklyDates("2009-01-04", nSyn),
    source = "rpois, seasonal with trend, set.seed(20130301), outbreaks at 300:302 and 350:351; Sundays from 2009-01-04"),
  syntheticWeekly = make_series("synth_trend", synWeekly,
    source = "same counts as synth_trend_dated, without dates"),
  syntheticMonthlyDated = make_series("synth_monthly_dated", synMonthly, monthlyDates("2011-01-01", nMon), freq = 12,
    source = "rpois, monthly seasonal, set.seed(20130301) after synth_trend, outbreak at 100; first-of-month dates"),
  syntheticPopulation = c(make_series("synth_population", synPop,
    source = "rpois proportional to a growing population (popSyn), set.seed(20130301) after synth_monthly"),
    list(population = popSyn)),
  allZeros = make_series("all_zeros_6y", rep(0L, 6 * 52), source = "rep(0, 312)")
)

toSts <- function(s) {
  x <- as_sts(s)
  if (!is.null(s$population)) x <- sts(observed = matrix(s$counts, ncol = 1), frequency = s$freq,
    population = matrix(s$population, ncol = 1))
  x
}

# ---- runs ---------------------------------------------------------------------------------

# Tocsin name=value strings -> R control list; limit54 "cases,periods" -> c(cases, periods).
farringtonControl <- function(params) {
  limit54 <- params$limit54
  params$limit54 <- NULL
  control <- control_from_params(params)
  if (!is.null(limit54)) control$limit54 <- as.numeric(strsplit(limit54, ",", fixed = TRUE)[[1]])
  control
}

num <- function(x) ifelse(is.finite(x), x, NA_real_)

# One row per monitored period: t, expected, upperbound, alarm, score, pValue.
runClassic <- function(s, control) {
  res <- suppressWarnings(algo.farrington(sts2disProg(toSts(s)), control = control))
  range <- res$control$range
  y <- s$counts[range]
  ub <- as.numeric(res$upperbound)
  mu0 <- res$control$pd[, 2] # qnorm(0.5, mu0^e, se)^(1/e), i.e. mu0: the expected count
  lim <- res$control$limit54
  enough <- sapply(range, function(k) sum(s$counts[(k - lim[2] + 1):k]) >= lim[1])
  # algo.farrington does not return its statistic X: rebuild it from its outputs as it does.
  data.frame(t = range, expected = mu0, upperbound = ub, alarm = as.logical(res$alarm),
    score = ifelse(enough, (y - mu0) / (ub - mu0), 0), pValue = 1 - res$control$pd[, 1])
}

runFlexible <- function(s, control) {
  res <- suppressWarnings(farringtonFlexible(toSts(s), control = control))
  # farringtonFlexible does not hand its range back: recompute its default (exact names:
  # control$w would partially match weightsThreshold).
  b <- if (is.null(control[["b", exact = TRUE]])) 5 else control[["b", exact = TRUE]]
  w <- if (is.null(control[["w", exact = TRUE]])) 3 else control[["w", exact = TRUE]]
  range <- control[["range", exact = TRUE]]
  if (is.null(range)) range <- (s$freq * b + w + 1):length(s$counts)
  data.frame(t = range, expected = as.numeric(res@control$expected), upperbound = as.numeric(upperbound(res)),
    alarm = as.logical(alarms(res)), score = as.numeric(res@control$score), pValue = as.numeric(res@control$pvalue))
}

writeFarringtonFixture <- function(detector, case, s, params, control) {
  out <- if (detector == "farrington") runClassic(s, control) else runFlexible(s, control)
  n <- length(s$counts)
  full <- function(v) { x <- rep(NA_real_, n); x[out$t] <- num(v); x }
  alarm <- rep(FALSE, n)
  alarm[out$t] <- out$alarm # NA stays NA (null)
  fixture <- list(
    detector = detector,
    case = case,
    r = list(version = R.version.string, surveillance = as.character(packageVersion("surveillance")),
      note = paste("control =", paste(deparse(control, width.cutoff = 500L), collapse = " "))),
    params = if (length(params) == 0) structure(list(), names = character(0)) else params,
    series = list(name = s$name, source = s$source, freq = s$freq, counts = s$counts, dates = s$dates,
      population = s$population),
    rows = list(t = seq_len(n), observed = s$counts, expected = full(out$expected), upperbound = full(out$upperbound),
      alarm = alarm, score = full(out$score), pValue = full(out$pValue))
  )
  path <- file.path(fixture_dir, sprintf("%s--%s.json", detector, case))
  write_json(fixture, path, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE)
  cat(sprintf("  wrote %-70s %4d monitored, %3d alarms\n", basename(path), nrow(out), sum(out$alarm, na.rm = TRUE)))
}

# ---- cases: detector, case name, series, Tocsin parameters ---------------------------------

noufaily <- list(noPeriods = "10", pastWeeksNotIncluded = "26", weightsThreshold = "2.58")

cases <- list(
  # classic farrington
  list("farrington", "salmonella-agona-default", "salmonellaAgona", list()),
  list("farrington", "newport-dated-default", "newport", list()),
  list("farrington", "nb-dated-default", "nbDated", list()),
  list("farrington", "shadar-b3-w2-alpha01-sqrt", "shadar",
    list(b = "3", w = "2", alpha = "0.01", powertrans = "1/2", limit54 = "3,3")),
  list("farrington", "trend-dated-noreweight-notrend-none", "syntheticWeeklyDated",
    list(reweight = "false", trend = "false", powertrans = "none", range = "260:354")),
  list("farrington", "trend-b4-w1", "syntheticWeekly", list(b = "4", w = "1", range = "230:374")),
  list("farrington", "trend-dated-b4-w1", "syntheticWeeklyDated", list(b = "4", w = "1", range = "230:374")),
  list("farrington", "measles-b2-w2", "measlesTotal", list(b = "2", w = "2", alpha = "0.1")),
  list("farrington", "monthly-dated-b3-w1", "syntheticMonthlyDated", list(b = "3", w = "1")),
  list("farrington", "all-zeros-default", "allZeros", list()),
  # farringtonFlexible
  list("farrington-flexible", "salmonella-agona-default", "salmonellaAgona", list()),
  list("farrington-flexible", "newport-dated-default", "newport", list(range = "400:773")),
  list("farrington-flexible", "nb-dated-default", "nbDated", list()),
  list("farrington-flexible", "shadar-noufaily-nbplugin", "shadar", c(noufaily, list(thresholdMethod = "nbPlugin"))),
  list("farrington-flexible", "newport-dated-noufaily-muan", "newport",
    c(noufaily, list(thresholdMethod = "muan", range = "500:773"))),
  list("farrington-flexible", "trend-dated-noufaily-nbplugin", "syntheticWeeklyDated", c(noufaily, list(thresholdMethod = "nbPlugin"))),
  list("farrington-flexible", "trend-noufaily-delta", "syntheticWeekly", c(noufaily, list(thresholdMethod = "delta"))),
  list("farrington-flexible", "trend-b3-w2-options", "syntheticWeekly",
    list(b = "3", w = "2", trend = "false", alpha = "0.01", powertrans = "1/2", reweight = "false", limit54 = "0,4", range = "200:374")),
  list("farrington-flexible", "trend-dated-b4-ptrend-none", "syntheticWeeklyDated",
    list(b = "4", w = "1", pThresholdTrend = "0.2", powertrans = "none", weightsThreshold = "1", noPeriods = "4",
      pastWeeksNotIncluded = "8", range = "220:374")),
  list("farrington-flexible", "measles-b2-muan", "measlesTotal", list(b = "2", w = "2", thresholdMethod = "muan", alpha = "0.1")),
  list("farrington-flexible", "monthly-dated-b3-w1-noperiods3", "syntheticMonthlyDated",
    list(b = "3", w = "1", noPeriods = "3", thresholdMethod = "nbPlugin")),
  list("farrington-flexible", "population-offset", "syntheticPopulation",
    list(populationOffset = "true", noPeriods = "10", pastWeeksNotIncluded = "26", thresholdMethod = "nbPlugin")),
  list("farrington-flexible", "all-zeros-default", "allZeros", list())
)

cat("farrington.R: writing to", fixture_dir, "\n")
for (case in cases) {
  params <- case[[4]]
  writeFarringtonFixture(case[[1]], case[[2]], series[[case[[3]]]], params, farringtonControl(params))
}
