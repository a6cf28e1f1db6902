package org.amtl.spark;

import java.io.Serializable;

/** A feature column: its name and whether it holds a list of values (a bag) rather than one value. */
record FieldSpec(String name, boolean list) implements Serializable {}
