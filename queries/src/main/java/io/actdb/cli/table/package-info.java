/**
 * Text tables for terminals and Markdown: the one renderer behind {@code actdb sql}'s table modes,
 * the demo's tables and the summaries of {@code info}, {@code extract} and {@code models}. Public
 * to the CLI's packages; not an API of actdb.
 */
package io.actdb.cli.table;
