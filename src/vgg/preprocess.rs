//! From a poster file to the network's input: decode, resize to 224×224, normalise.
//! (Filled in by the preprocessing work: Keras 'caffe' and torchvision modes.)
