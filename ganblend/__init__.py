"""Deblend galaxies with generative models: enhance ground-based images to space resolution, then detect and measure blended sources

Modules:

- `ganblend.morphology`: Are the DCGAN's galaxies distributed like the real ones? Non-parametric morphology (flux, half-light radius, ellipticity, concentration, Sérsic index) of generated vs simulated space stamps, compared with KS and Wasserstein."""

__version__ = "0.0.1"
