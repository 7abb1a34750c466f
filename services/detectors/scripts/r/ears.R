# EARS C1/C2/C3 fixtures: surveillance::earsC on every fixture series, with default
# parameters and with non-default baseline/alpha/minSigma/range.
# Work from this script's folder, so it also runs as `Rscript path/to/ears.R` from anywhere.
setwd(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)[1]))))
source(file.path("lib", "fixtures.R"))

cases <- list(
  list(case = "default", params = list()),
  list(case = "b10-a05-range", params = list(baseline = "10", alpha = "0.05", range = "40:110")),
  list(case = "minsigma", params = list(baseline = "5", minSigma = "1.5"))
)

for (s in fixture_series()) {
  for (method in c("C1", "C2", "C3")) {
    detector <- paste0("ears-", tolower(method))
    for (cs in cases) {
      control <- control_from_params(cs$params)
      control$method <- method
      res <- earsC(as_sts(s), control = control)
      range <- if (is.null(control$range)) seq(nrow(res@observed)) + (length(s$counts) - nrow(res@observed)) else control$range
      rows <- rows_from_range(length(s$counts), range, res@upperbound[, 1], res@alarm[, 1])
      write_fixture(detector, paste(s$name, cs$case, sep = "--"), s, cs$params, rows)
    }
  }
}
