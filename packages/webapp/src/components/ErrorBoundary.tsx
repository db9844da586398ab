// A page that throws while rendering shows the error instead of a blank screen.
import { Component, type ReactNode } from 'react';
import { ErrorBox } from './states';

export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: unknown }> {
  override state: { error?: unknown } = {};
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error !== undefined ? <ErrorBox error={this.state.error} title="This page failed" /> : this.props.children;
  }
}
