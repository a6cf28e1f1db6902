/**
 * The published embedding-table format (docs/table-format.md): Parquet files on any Hadoop filesystem plus a
 * JSON manifest written last. {@link org.amtl.core.table.TableWriter} writes the data files of a model,
 * {@link org.amtl.core.table.Manifest} describes and checks them, {@link org.amtl.core.table.TableReader} looks up
 * vectors for downstream users.
 */
package org.amtl.core.table;
