/**
 * The CCA family of Kornblith et al. 2019 (seed 002, Table 1 and Appendix C): {@code cca}, {@code
 * svcca}, {@code pwcca} and {@code linreg_r2}, computed from the same one-pass moments as {@code
 * cka} and decomposed at finalize with EJML. Internal.
 */
package io.actdb.sql.cca;
