/* Does not compile: for the build-log test. */
KERNEL void broken(GLOBAL float *y) {
    y[0] = undeclared_name;
}
