# Sourced by the install scripts: one PyPI package at one pinned version in a virtualenv of its own.
# install_pinned_venv VENV PACKAGE VERSION [SCRIPT]: leaves a venv already holding that version (and
# SCRIPT in its bin/, when named) as it is; otherwise recreates the venv and installs it. Prints the
# installed version either way.
install_pinned_venv() {
  local venv="$1" package="$2" version="$3" script="${4:-}"
  local installed
  installed="$("$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$package'))" 2>/dev/null || true)"
  if [ "$installed" != "$version" ] || { [ -n "$script" ] && [ ! -x "$venv/bin/$script" ]; }; then
    export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
    # A Python without ensurepip (Debian's python3 without python3-venv) still makes a bare
    # venv; the system's pip then installs into it.
    if python3 -m venv --clear "$venv" 2>/dev/null && [ -x "$venv/bin/pip" ]; then
      "$venv/bin/python" -m pip install --quiet "$package==$version"
    else
      python3 -m venv --clear --without-pip "$venv"
      python3 -m pip --python "$venv/bin/python" install --quiet "$package==$version"
    fi
  fi
  "$venv/bin/python" -c "import importlib.metadata as m; print('$package', m.version('$package'))"
}
