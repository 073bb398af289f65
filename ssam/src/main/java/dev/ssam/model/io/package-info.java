/**
 * Reading PyTorch checkpoints without PyTorch: {@link dev.ssam.model.io.PthCheckpoint} opens a
 * {@code torch.save} zip archive and rebuilds its object tree with a restricted unpickler that
 * never executes, imports or loads anything the file names; tensors come back as
 * {@link dev.ssam.model.io.PthTensor} windows over their storages, unknown Python objects as inert
 * {@link dev.ssam.model.io.PickledObject}s.
 */
package dev.ssam.model.io;
