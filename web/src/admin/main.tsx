import { mount } from '../boot.js';
import { AdminApp } from './AdminApp.js';

void mount(<AdminApp />);
